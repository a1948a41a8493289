// Consumer groups: the list, one group's page and the reset-offsets dialog with its preview.
import type { Page } from 'playwright-core'

export class GroupsPage {
  readonly page: Page

  constructor(page: Page) {
    this.page = page
  }

  table() {
    return this.page.getByRole('table', { name: 'Consumer groups' })
  }

  async open(groupId: string): Promise<void> {
    await this.table().getByRole('link', { name: groupId, exact: true }).click()
    await this.page.getByRole('heading', { level: 1, name: groupId }).waitFor()
  }

  offsetsTable() {
    return this.page.getByRole('table', { name: 'Committed offsets' })
  }

  resetDialog() {
    return this.page.getByRole('dialog', { name: /Reset offsets of/ })
  }

  async previewReset(to: 'Earliest' | 'Latest'): Promise<void> {
    await this.page.getByRole('button', { name: 'Reset offsets…' }).click()
    const dialog = this.resetDialog()
    await dialog.getByLabel('Reset to').selectOption({ label: to })
    await dialog.getByRole('button', { name: 'Preview' }).click()
    await dialog.getByRole('table', { name: 'Reset preview' }).waitFor()
  }

  previewRows() {
    return this.resetDialog().getByRole('table', { name: 'Reset preview' }).getByRole('row')
  }

  async applyReset(): Promise<void> {
    const dialog = this.resetDialog()
    await dialog.getByRole('button', { name: 'Apply reset' }).click()
    await dialog.getByRole('status').filter({ hasText: 'Offsets reset' }).waitFor()
  }

  async closeReset(): Promise<void> {
    await this.resetDialog().getByRole('button', { name: 'Close', exact: true }).click()
  }
}
