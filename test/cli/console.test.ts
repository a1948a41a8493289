// `strata console` runs web mode as a real process: it prints the console URL (with its token), starts the
// bundled broker, serves the console, and on Ctrl-C stops both and exits 0.
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { collect, spawnCli } from './cli-process.ts'

const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cli-console-'))
afterAll(() => {
  fs.rmSync(stateDir, { recursive: true, force: true })
})

function refused(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host)
    socket.once('connect', () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(true))
  })
}

describe('strata console', () => {
  it('serves the console with the bundled broker and stops both on Ctrl-C', async () => {
    const child = spawnCli(['console', '--state-dir', stateDir, '--broker-port', '0'])
    const done = collect(child)
    const started = await new Promise<{ url: string; broker: string }>((resolve, reject) => {
      let out = ''
      child.stdout?.on('data', (d: Buffer | string) => {
        out += String(d)
        const url = /Strata web console: (\S+)/.exec(out)?.[1]
        const broker = /Bundled broker running on (\S+)/.exec(out)?.[1]
        if (url && broker) resolve({ url, broker })
      })
      child.once('exit', (code) => reject(new Error(`console exited early (${code}): ${out}`)))
    })
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/)
    const page = await fetch(started.url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<html')

    child.kill('SIGINT')
    const r = await done
    expect(r.code, r.stderr).toBe(0)
    const [host, port] = started.broker.split(':') as [string, string]
    expect(await refused(host, Number(port))).toBe(true)
  })
})
