// Starts web mode with a real bundled broker in temp dirs, and Chromium on its URL. One per test file.
import { spawnSync } from 'node:child_process'
import { mkdtemp, mkdir, rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { ROOT, startWebMode } from '../../../electron/web/main.ts'

export const SCREENSHOTS = path.join(ROOT, 'test-output', 'screenshots')
const CHROMIUM = '/usr/bin/chromium'

export interface ConsoleHarness {
  url: string
  bootstrap: string
  browser: Browser
  newPage(): Promise<Page>
  stop(): Promise<void>
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number }
      srv.close(() => resolve(port))
    })
  })
}

/** Builds the renderer so the test sees the current source, not an old out/renderer. */
export function buildRenderer(): void {
  const result = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    { cwd: ROOT, stdio: 'pipe', encoding: 'utf8' },
  )
  if (result.status !== 0) throw new Error(`electron-vite build failed:\n${result.stdout}\n${result.stderr}`)
}

export async function startConsole(): Promise<ConsoleHarness> {
  await mkdir(SCREENSHOTS, { recursive: true })
  buildRenderer()
  const dir = await mkdtemp(path.join(os.tmpdir(), 'strata-e2e-'))
  const web = await startWebMode({
    port: 0,
    stateDir: path.join(dir, 'state'),
    dataDir: path.join(dir, 'data'),
    brokerPort: await freePort(),
    staticDir: path.join(ROOT, 'out', 'renderer'),
    log: () => undefined,
  })
  const status = await web.app.supervisor.start()
  if (status.state !== 'running' || !status.bootstrap) {
    await web.stop()
    throw new Error(`The bundled broker did not start: ${status.problem?.message ?? status.state}`)
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  })
  return {
    url: web.server.url,
    bootstrap: status.bootstrap,
    browser,
    async newPage() {
      const context = await browser.newContext({
        viewport: { width: 1400, height: 900 },
        colorScheme: 'dark',
      })
      await context.grantPermissions(['clipboard-read', 'clipboard-write'])
      return context.newPage()
    },
    async stop() {
      await browser.close()
      await web.stop()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
