// The console shell: open it, move between views, save screenshots.
import path from 'node:path'
import type { Page } from 'playwright-core'
import { SCREENSHOTS } from '../support/console-harness.ts'

export class AppPage {
  readonly page: Page
  readonly url: string

  constructor(page: Page, url: string) {
    this.page = page
    this.url = url
  }

  async open(route = '/overview'): Promise<void> {
    await this.page.goto(`${this.url}#${route}`)
    await this.page.getByRole('navigation', { name: 'Main' }).waitFor()
  }

  async go(
    view: 'Overview' | 'Topics' | 'Consumer groups' | 'Quotas' | 'ACLs' | 'Connections',
  ): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: view }).click()
    await this.page.getByRole('heading', { level: 1, name: view }).waitFor()
  }

  async screenshot(name: string): Promise<string> {
    const file = path.join(SCREENSHOTS, `${name}.png`)
    await this.page.screenshot({ path: file })
    return file
  }

  brokerState() {
    return this.page.getByRole('status', { name: 'Broker state' })
  }

  brokerLog() {
    return this.page.getByRole('log', { name: 'Broker log' })
  }

  figure(name: string) {
    return this.page.getByRole('region', { name: 'Cluster figures' }).getByLabel(name)
  }

  async runCommand(text: string): Promise<void> {
    await this.page.keyboard.press('Control+k')
    const palette = this.page.getByRole('dialog', { name: 'Command palette' })
    await palette.getByRole('combobox', { name: 'Command' }).fill(text)
    await palette.getByRole('combobox', { name: 'Command' }).press('Enter')
    await palette.waitFor({ state: 'detached' })
  }

  async addCluster(name: string, bootstrap: string): Promise<void> {
    const form = this.page.getByRole('form', { name: 'Add cluster' })
    await form.getByLabel('Name').fill(name)
    await form.getByLabel('Bootstrap servers').fill(bootstrap)
    await form.getByRole('button', { name: 'Test' }).click()
    await this.page
      .getByRole('status')
      .filter({ hasText: /Connected|Failed/ })
      .waitFor()
    await form.getByRole('button', { name: 'Save' }).click()
    await this.page
      .getByRole('table', { name: 'Saved clusters' })
      .getByRole('cell', { name, exact: true })
      .waitFor()
  }

  async switchCluster(name: string): Promise<void> {
    await this.page.getByLabel('Cluster', { exact: true }).selectOption({ label: name })
  }

  alert() {
    return this.page.getByRole('alert')
  }
}
