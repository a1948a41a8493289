// One topic: tabs, the message browser with its produce dialog, and the segments tab.
import type { Page } from 'playwright-core'

export class TopicDetailPage {
  readonly page: Page

  constructor(page: Page) {
    this.page = page
  }

  async tab(name: 'Partitions' | 'Configs' | 'Messages' | 'Segments'): Promise<void> {
    await this.page.getByRole('tab', { name }).click()
  }

  partitionsTable() {
    return this.page.getByRole('table', { name: 'Partitions' })
  }

  // ---- configs ----

  configRow(name: string) {
    return this.page
      .getByRole('table', { name: 'Topic configs' })
      .getByRole('row')
      .filter({ has: this.page.getByRole('cell', { name, exact: true }) })
  }

  async editConfig(name: string, value: string): Promise<string | null> {
    const row = this.configRow(name)
    if ((await row.getByLabel(`Value of ${name}`).count()) === 0) {
      await row.getByRole('button', { name: `Edit ${name}` }).click()
    }
    await row.getByLabel(`Value of ${name}`).fill(value)
    const error = row.locator('.error')
    if ((await error.count()) > 0) return error.textContent()
    await row.getByRole('button', { name: 'Save' }).click()
    await row.getByLabel(`Value of ${name}`).waitFor({ state: 'detached' })
    return null
  }

  // ---- messages ----

  messagesTable() {
    return this.page.getByRole('table', { name: 'Messages' })
  }

  messageRow(text: string) {
    return this.messagesTable().getByRole('row').filter({ hasText: text })
  }

  async produce(message: { key: string; value: string; header?: [string, string] }): Promise<string> {
    await this.page.getByRole('button', { name: /^Produce/ }).click()
    const dialog = this.page.getByRole('dialog', { name: /Produce to/ })
    await dialog.getByLabel('Key', { exact: true }).fill(message.key)
    await dialog.getByLabel('Value', { exact: true }).fill(message.value)
    if (message.header) {
      await dialog.getByRole('button', { name: '+ Add header' }).click()
      await dialog.getByLabel('Header 1 name').fill(message.header[0])
      await dialog.getByLabel('Header 1 value').fill(message.header[1])
    }
    await dialog.getByRole('button', { name: 'Produce', exact: true }).click()
    const result = dialog.getByRole('status').filter({ hasText: 'Written to partition' })
    await result.waitFor()
    const text = (await result.textContent()) ?? ''
    await dialog.getByRole('button', { name: 'Close', exact: true }).click()
    return text
  }

  async read(
    options: { start?: 'Newest (end)' | 'Oldest (beginning)'; pageSize?: number } = {},
  ): Promise<void> {
    if (options.start) await this.page.getByLabel('Start').selectOption({ label: options.start })
    if (options.pageSize) await this.page.getByLabel('Page size').selectOption(String(options.pageSize))
    await this.page.getByRole('button', { name: 'Load', exact: true }).click()
  }

  async waitForLoaded(count: number): Promise<void> {
    await this.page
      .getByRole('status', { name: 'Message count' })
      .filter({ hasText: new RegExp(`of ${count.toLocaleString('en-US')} loaded`) })
      .waitFor({ timeout: 60_000 })
  }

  /** The time the page took to arrive, as the view reports it. */
  async loadTime(): Promise<string> {
    const text = (await this.page.getByRole('status', { name: 'Message count' }).textContent()) ?? ''
    return /loaded in ([^,]+)/.exec(text)?.[1] ?? 'unknown'
  }

  /** Exports the selected (or else all loaded) messages and returns the file's text. */
  async exportAs(kind: 'JSON' | 'CSV'): Promise<string> {
    const download = this.page.waitForEvent('download')
    await this.page.getByRole('button', { name: new RegExp(`^Export .* as ${kind}$`) }).click()
    const file = await (await download).path()
    const { readFile } = await import('node:fs/promises')
    return readFile(file, 'utf8')
  }

  async search(text: string): Promise<void> {
    await this.page.getByLabel('Search loaded messages').fill(text)
  }

  async openMessage(text: string): Promise<void> {
    await this.messageRow(text).first().click()
    await this.page.getByRole('complementary', { name: 'Message detail' }).waitFor()
  }

  valueContent() {
    return this.page.getByRole('complementary', { name: 'Message detail' }).getByLabel('Value content')
  }

  async startTail(): Promise<void> {
    await this.page.getByRole('button', { name: 'Live tail' }).click()
    await this.page.getByRole('button', { name: 'Stop tail' }).waitFor()
  }

  async pauseTail(): Promise<void> {
    await this.page.getByRole('button', { name: 'Pause' }).click()
  }

  async resumeTail(): Promise<void> {
    await this.page.getByRole('button', { name: /^Resume/ }).click()
  }

  async stopTail(): Promise<void> {
    await this.page.getByRole('button', { name: 'Stop tail' }).click()
  }

  tailRate() {
    return this.page.getByRole('status', { name: 'Tail rate' })
  }

  // ---- segments ----

  segmentsTable() {
    return this.page.getByRole('table', { name: 'Segment files' })
  }

  async inspectFirstSegment(): Promise<void> {
    await this.segmentsTable()
      .getByRole('button', { name: /^Inspect / })
      .first()
      .click()
    await this.page.getByRole('table', { name: 'Record batches' }).waitFor()
  }

  crcStatus() {
    return this.page.getByRole('status', { name: 'CRC status' })
  }

  batchesTable() {
    return this.page.getByRole('table', { name: 'Record batches' })
  }
}
