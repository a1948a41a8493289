// The topics list and its create/delete dialogs.
import type { Page } from 'playwright-core'

export class TopicsPage {
  readonly page: Page

  constructor(page: Page) {
    this.page = page
  }

  table() {
    return this.page.getByRole('table', { name: 'Topics' })
  }

  row(name: string) {
    return this.table()
      .getByRole('row')
      .filter({ has: this.page.getByRole('link', { name, exact: true }) })
  }

  async filter(text: string): Promise<void> {
    await this.page.getByLabel('Filter topics').fill(text)
  }

  async createTopic(name: string, partitions = 1): Promise<void> {
    await this.page
      .getByRole('button', { name: /Create topic/ })
      .first()
      .click()
    const dialog = this.page.getByRole('dialog', { name: 'Create topic' })
    await dialog.getByLabel('Name').fill(name)
    await dialog.getByLabel('Partitions').fill(String(partitions))
    await dialog.getByRole('button', { name: 'Create', exact: true }).click()
    await dialog.waitFor({ state: 'detached' })
  }

  async nameMessage(name: string): Promise<string> {
    await this.page
      .getByRole('button', { name: /Create topic/ })
      .first()
      .click()
    const dialog = this.page.getByRole('dialog', { name: 'Create topic' })
    await dialog.getByLabel('Name').fill(name)
    const text = (await dialog.locator('#topic-name-msg').textContent()) ?? ''
    await dialog.getByRole('button', { name: 'Cancel' }).click()
    return text
  }

  async deleteTopic(name: string): Promise<void> {
    await this.filter(name)
    await this.row(name)
      .getByRole('button', { name: `Delete ${name}` })
      .click()
    const dialog = this.page.getByRole('dialog', { name: `Delete topic ${name}` })
    const confirm = dialog.getByRole('button', { name: 'Delete topic' })
    if (await confirm.isEnabled()) throw new Error('Delete must wait for the typed name')
    await dialog.getByLabel(/to confirm/).fill(name)
    await confirm.click()
    await dialog.waitFor({ state: 'detached' })
  }

  /** Returns the dialog's message for the count; adds the partitions when the count is accepted. */
  async addPartitions(name: string, count: number): Promise<string> {
    await this.filter(name)
    await this.row(name)
      .getByRole('button', { name: `Add partitions to ${name}` })
      .click()
    const dialog = this.page.getByRole('dialog', { name: `Add partitions to ${name}` })
    await dialog.getByLabel('New partition count').fill(String(count))
    const message = (await dialog.locator('#grow-msg').textContent()) ?? ''
    const add = dialog.getByRole('button', { name: 'Add partitions' })
    if (await add.isEnabled()) {
      await add.click()
      await dialog.waitFor({ state: 'detached' })
    } else await dialog.getByRole('button', { name: 'Cancel' }).click()
    return message
  }

  async open(name: string): Promise<void> {
    await this.filter(name)
    await this.row(name).getByRole('link', { name, exact: true }).click()
    await this.page.getByRole('heading', { level: 1, name }).waitFor()
  }

  /** How long the back end took to list the topics, as the view reports it. */
  async listTime(): Promise<string> {
    const text = (await this.page.getByRole('status', { name: 'Topic count' }).textContent()) ?? ''
    return /listed in (.+)$/.exec(text.trim())?.[1] ?? 'unknown'
  }

  /**
   * Clicks Topics in the navigation and times, inside the page, until the table holds `rows` rows and
   * the first row is drawn. Timed in the browser so the test process's own load does not count.
   */
  async timeOpenFromNavigation(rows: number): Promise<number> {
    return this.page.evaluate(async (expected) => {
      interface El {
        click(): void
        getAttribute(name: string): string | null
      }
      const g = globalThis as unknown as {
        document: { querySelector(selector: string): El | null }
        performance: { now(): number }
        requestAnimationFrame(cb: () => void): void
      }
      const began = g.performance.now()
      g.document.querySelector('nav[aria-label="Main"] a[href="#/topics"]')?.click()
      const table = '[role="table"][aria-label="Topics"]'
      for (;;) {
        await new Promise<void>((resolve) => g.requestAnimationFrame(resolve))
        const el = g.document.querySelector(table)
        if (
          el?.getAttribute('aria-rowcount') === String(expected + 1) &&
          g.document.querySelector(`${table} .vt-body-row`)
        )
          return g.performance.now() - began
      }
    }, rows)
  }

  /** Waits until the list holds exactly this many rows (aria-rowcount counts the header row too). */
  async waitForRowCount(rows: number): Promise<void> {
    await this.page
      .locator(`[role="table"][aria-label="Topics"][aria-rowcount="${rows + 1}"]`)
      .waitFor({ timeout: 120_000 })
  }
}
