// ACLs: create one, filter the list, delete it.
import type { Page } from 'playwright-core'

export class AclsPage {
  readonly page: Page

  constructor(page: Page) {
    this.page = page
  }

  async create(acl: {
    principal: string
    resourceType: string
    resource: string
    operation: string
    permission: 'allow' | 'deny'
  }): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Create ACL' })
    await form.getByLabel('Principal').fill(acl.principal)
    await form.getByLabel('Resource type').selectOption(acl.resourceType)
    await form.getByLabel('Resource name').fill(acl.resource)
    await form.getByLabel('Operation').selectOption(acl.operation)
    await form.getByLabel('Permission').selectOption(acl.permission)
    await form.getByRole('button', { name: 'Create ACL' }).click()
  }

  async filter(text: string): Promise<void> {
    await this.page.getByLabel('Filter ACLs').fill(text)
  }

  row(text: string) {
    return this.page.getByRole('table', { name: 'ACLs' }).getByRole('row').filter({ hasText: text })
  }

  async remove(principal: string, operation: string, resource: string): Promise<void> {
    await this.page.getByRole('button', { name: `Delete ACL ${principal} ${operation} ${resource}` }).click()
  }
}
