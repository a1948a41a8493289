// `strata broker` as a process: ready line, flag validation, clean and hurried shutdown.
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { isLoopback } from '../../broker/server/broker.ts'
import { startBroker } from '../helpers/broker-process.ts'

const run = promisify(execFile)
const LAUNCHER = path.resolve(import.meta.dirname, '..', '..', 'bin', 'strata.js')

async function fails(args: string[]): Promise<{ code: number; stderr: string }> {
  try {
    await run(process.execPath, [LAUNCHER, ...args])
  } catch (err) {
    const e = err as { code: number; stderr: string }
    return { code: e.code, stderr: e.stderr }
  }
  throw new Error(`strata ${args.join(' ')} succeeded`)
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cli-'))
}

describe('strata broker', () => {
  it('prints a ready line with the real port and stops cleanly on SIGTERM', async () => {
    const b = await startBroker()
    expect(b.port).toBeGreaterThan(0)
    expect(fs.existsSync(path.join(b.dataDir, 'meta.properties'))).toBe(true)
    expect(await b.stop()).toBe(0)
    expect(fs.existsSync(path.join(b.dataDir, '.kafka_cleanshutdown'))).toBe(true)
    expect(
      fs.readdirSync(path.join(b.dataDir, '__cluster_metadata-0')).some((f) => f.endsWith('.checkpoint')),
    ).toBe(true)
  })

  it('exits at once on a second signal', async () => {
    const b = await startBroker()
    // Both signals arrive before the clean shutdown (which awaits disk I/O) can finish.
    b.child.kill('SIGTERM')
    b.child.kill('SIGINT')
    expect(await b.exited()).toBe(130)
    expect(b.stderr()).toContain('second signal')
  })

  it('refuses unknown configs, bad values and unknown flags with a message', async () => {
    const dir = tmpDir()
    const unknown = await fails(['broker', '--data-dir', dir, '--config', 'no.such.config=1'])
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toContain("unknown broker config 'no.such.config'")
    const bad = await fails(['broker', '--data-dir', dir, '--config', 'num.partitions=zero'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain('num.partitions')
    const flag = await fails(['broker', '--data-dir', dir, '--bogus'])
    expect(flag.code).toBe(2)
    const port = await fails(['broker', '--data-dir', dir, '--port', '70000'])
    expect(port.stderr).toContain('--port')
    const dirs = await fails(['broker', '--config', 'log.dirs=/tmp/x'])
    expect(dirs.stderr).toContain('--data-dir')
    const cmd = await fails(['nope'])
    expect(cmd.code).toBe(2)
  })

  it('refuses a data directory another broker is using', async () => {
    const b = await startBroker()
    const second = await fails(['broker', '--port', '0', '--data-dir', b.dataDir])
    expect(second.code).toBe(1)
    expect(second.stderr).toContain('in use by another broker')
    await b.stop()
  })

  it.skipIf(!fs.existsSync('/usr/bin/node'))(
    'runs under an older system node by re-executing with the project Node',
    async () => {
      const { stdout } = await run('/usr/bin/node', [LAUNCHER, 'broker', '--help'])
      expect(stdout).toContain('usage: strata broker')
    },
  )

  it('knows which hosts are loopback', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', '::1'].every(isLoopback)).toBe(true)
    expect(['0.0.0.0', '::', '192.168.1.5', 'example.com'].some(isLoopback)).toBe(false)
  })
})
