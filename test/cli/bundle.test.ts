import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { isAbsolute, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildCli, ROOT } from '../../scripts/build-cli.ts'

// The launcher runs out/cli/main.js when it is fresh: the bundle must behave like the sources.
describe('bundled command line', () => {
  let dir: string
  let entry: string
  beforeAll(async () => {
    dir = join(ROOT, 'out', `test-cli-${process.pid}`)
    await buildCli(dir)
    entry = join(dir, 'run.js')
    await writeFile(
      entry,
      "import { main } from './main.js'\nprocess.exitCode = await main(process.argv.slice(2))\n",
    )
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it('starts a broker that prints its ready line, logs through the bundled pino, stops on SIGTERM', async () => {
    const data = await mkdtemp(join(tmpdir(), 'strata-bundle-'))
    const child = spawn(process.execPath, [entry, 'broker', '--port', '0', '--data-dir', data], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let logs = ''
    child.stderr.setEncoding('utf8').on('data', (d: string) => (logs += d))
    const line = await new Promise<string>((resolve) => {
      let out = ''
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d
        if (out.includes('\n')) resolve(out.split('\n')[0]!)
      })
    })
    expect(line).toMatch(/^strata broker ready on 127\.0\.0\.1:\d+ \(data: /)
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    const messages = logs
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { msg: string }).msg)
    expect(messages).toContain('broker started')
    expect(messages).toContain('broker stopped')
    await rm(data, { recursive: true, force: true })
  })

  it("lists the source files it was built from, for the launcher's freshness check", async () => {
    const inputs = JSON.parse(await readFile(join(dir, 'inputs.json'), 'utf8')) as string[]
    expect(inputs).toContain('broker/cli/main.ts')
    expect(inputs).toContain('broker/server/broker.ts')
    expect(inputs.some(isAbsolute)).toBe(false)
  })

  it('loads a command chunk on demand (help of topic)', async () => {
    const child = spawn(process.execPath, [entry, 'topic', '--help'], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d))
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve))
    expect(code).toBe(0)
    expect(out).toMatch(/strata topic/)
  })
})
