// Client quotas: set one and find it in the list.
import type { Page } from 'playwright-core'

export class QuotasPage {
  readonly page: Page

  constructor(page: Page) {
    this.page = page
  }

  async setQuota(q: {
    type: 'Client ID' | 'User' | 'IP'
    name: string
    quota: RegExp
    value: string
  }): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Set a quota' })
    await form.getByLabel('Entity type').selectOption({ label: q.type })
    await form.getByLabel('Entity name').fill(q.name)
    const option = await form
      .getByLabel('Quota', { exact: true })
      .locator('option')
      .filter({ hasText: q.quota })
      .first()
      .getAttribute('value')
    await form.getByLabel('Quota', { exact: true }).selectOption(option ?? '')
    await form.getByLabel(/^Value/).fill(q.value)
    await form.getByRole('button', { name: 'Set quota' }).click()
  }

  row(text: string) {
    return this.page.getByRole('table', { name: 'Quotas' }).getByRole('row').filter({ hasText: text })
  }

  async removeQuota(key: string, entity: string): Promise<void> {
    await this.page.getByRole('button', { name: `Remove ${key} for ${entity}` }).click()
  }
}
