// `npm run bench [-- --quick] [-- --only produce,consume,latency,startup,peer]`: every figure next to the
// machine's own limit measured in the same run, the targets marked PASS/SHORT; prints a table and
// writes bench-output/bench-<time>.json. Never part of `npm test`.
import { mkdir, writeFile } from 'node:fs/promises'
import { cpus, totalmem } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { consumeBench } from './consume.ts'
import { latencyBench } from './latency.ts'
import { table, type Row } from './lib/report.ts'
import { peerBench } from './peer.ts'
import { produceBench } from './produce.ts'
import { startupBench } from './startup.ts'
import { buildCli } from '../scripts/build-cli.ts'

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))
const args = process.argv.slice(2)
const quick = args.includes('--quick')
const onlyAt = args.indexOf('--only')
const only = onlyAt >= 0 ? new Set((args[onlyAt + 1] ?? '').split(',')) : null
const want = (name: string) => only === null || only.has(name)

const t0 = performance.now()
// Every step's broker runs the bundled command line, as after `npm install`, built from the sources as they
// are now: STRATA_SOURCES=0 keeps the launcher on it even if a source changes during the run (it then skips
// its freshness check, ~2 ms of a start).
await buildCli()
process.env['STRATA_SOURCES'] = '0'
const rows: Row[] = []
const step = async (name: string, run: () => Promise<Row[]>) => {
  if (!want(name)) return
  const s = performance.now()
  process.stderr.write(`bench: ${name}...\n`)
  rows.push(...(await run()))
  process.stderr.write(`bench: ${name} done in ${((performance.now() - s) / 1000).toFixed(0)} s\n`)
}
await step('startup', () => startupBench(quick))
await step('produce', () => produceBench(quick))
await step('consume', () => consumeBench(quick))
await step('latency', () => latencyBench(quick))
await step('peer', () => peerBench(quick, rows))

const seconds = (performance.now() - t0) / 1000
console.log(table(rows))
console.log(`\n${quick ? 'quick' : 'full'} run, ${seconds.toFixed(0)} s, ${cpus().length} cores`)
const outDir = join(ROOT, 'bench-output')
await mkdir(outDir, { recursive: true })
const file = join(outDir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
const machine = { cores: cpus().length, cpu: cpus()[0]?.model, memBytes: totalmem(), node: process.version }
await writeFile(file, JSON.stringify({ quick, seconds, machine, rows }, null, 2) + '\n')
console.log(`written ${file}`)
