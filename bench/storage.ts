// Storage benchmark (prints, never asserts): append throughput of the partition log for 16 KiB and 1 MiB
// batches of 1 KiB records, with and without an fsync per batch, next to raw sequential writes of the same
// bytes on the same disk in the same run; then read throughput from a warm segment next to a raw sequential
// read of the same file.   node bench/storage.ts [totalMiB=256] [dir=os.tmpdir()]
import { mkdtemp, open, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildRecordBatch } from '../broker/protocol/records/builder.ts'
import { logConfigFromMap } from '../broker/storage/log-config.ts'
import { LogManager } from '../broker/storage/log-manager.ts'

const MiB = 1024 * 1024
const totalBytes = Number(process.argv[2] ?? 256) * MiB
const ROUNDS = 3
const root = await mkdtemp(join(process.argv[3] ?? tmpdir(), 'strata-bench-'))

async function batchOfSize(bytes: number): Promise<Buffer> {
  const value = Buffer.alloc(1024 - 20, 'x')
  const count = Math.max(1, Math.floor(bytes / 1024))
  return buildRecordBatch({
    records: Array.from({ length: count }, () => ({ key: null, value, timestamp: Date.now() })),
  })
}

function mbps(bytes: number, ms: number): number {
  return bytes / MiB / (ms / 1000)
}

/** Raw baseline: sequential positional writes of `chunk`, fdatasync per write or once at the end. */
async function rawWrite(chunk: Buffer, total: number, syncEach: boolean): Promise<number> {
  const path = join(root, `raw-${chunk.length}-${syncEach}`)
  const fh = await open(path, 'w')
  const t0 = performance.now()
  let pos = 0
  while (pos < total) {
    await fh.write(chunk, 0, chunk.length, pos)
    pos += chunk.length
    if (syncEach) await fh.datasync()
  }
  if (!syncEach) await fh.datasync()
  const ms = performance.now() - t0
  await fh.close()
  await rm(path)
  return mbps(pos, ms)
}

async function appendRun(batch: Buffer, total: number, flushEach: boolean) {
  const dir = join(root, `log-${batch.length}-${flushEach}`)
  const m = await LogManager.open(dir)
  const log = await m.createLog('bench', 0, logConfigFromMap(flushEach ? { 'flush.messages': '1' } : {}))
  const t0 = performance.now()
  let written = 0
  while (written < total) {
    await log.append(batch)
    written += batch.length
  }
  await log.flush()
  const ms = performance.now() - t0
  return { mbps: mbps(written, ms), m, log, dir }
}

async function closeAndRemove(run: { m: LogManager; dir: string }): Promise<void> {
  await run.m.close()
  await rm(run.dir, { recursive: true, force: true })
}

/** Reads the whole log with 1 MiB fetches, each starting after the last returned batch as a consumer's would. */
async function readAll(log: Awaited<ReturnType<typeof appendRun>>['log']): Promise<number> {
  const t0 = performance.now()
  let offset = log.logStartOffset
  let bytes = 0
  while (offset < log.logEndOffset) {
    const r = await log.read(offset, MiB, { minOneMessage: true })
    if (r.records.length === 0) break
    bytes += r.records.length
    let p = 0
    let last = offset
    while (p < r.records.length) {
      last = r.records.readBigInt64BE(p) + BigInt(r.records.readInt32BE(p + 23))
      p += r.records.readInt32BE(p + 8) + 12
    }
    offset = last + 1n
  }
  return mbps(bytes, performance.now() - t0)
}

/** Raw baseline: sequential 1 MiB reads, into one reused buffer or (like a fetch must) a new one each time. */
async function rawRead(path: string, fresh = false): Promise<{ mbps: number; bytes: number }> {
  const fh = await open(path, 'r')
  const size = (await fh.stat()).size
  const reused = Buffer.allocUnsafe(MiB)
  const t0 = performance.now()
  let pos = 0
  while (pos < size) {
    const buf = fresh ? Buffer.allocUnsafe(MiB) : reused
    const { bytesRead } = await fh.read(buf, 0, buf.length, pos)
    if (bytesRead === 0) break
    pos += bytesRead
  }
  const ms = performance.now() - t0
  await fh.close()
  return { mbps: mbps(pos, ms), bytes: pos }
}

const rows: string[][] = [['case', 'strata MB/s', 'raw MB/s', 'ratio']]
const row = (name: string, ours: number, raw: number) =>
  rows.push([name, ours.toFixed(1), raw.toFixed(1), (ours / raw).toFixed(2)])

console.log(
  `storage bench: ${totalBytes / MiB} MiB per no-flush case, best of ${ROUNDS} alternating rounds, in ${root}`,
)
let readCase: { log: Awaited<ReturnType<typeof appendRun>>['log']; m: LogManager } | null = null
for (const size of [16 * 1024, MiB]) {
  const batch = await batchOfSize(size)
  const label = size === MiB ? '1 MiB' : '16 KiB'
  // An fsync per batch is disk-bound: a smaller total keeps those runs short.
  const syncTotal = Math.min(totalBytes, size === MiB ? 64 * MiB : 8 * MiB)
  let raw = 0
  let ours = 0
  let rawSync = 0
  let oursSync = 0
  for (let round = 0; round < ROUNDS; round++) {
    // Raw and log runs alternate so that both see the same disk weather.
    raw = Math.max(raw, await rawWrite(batch, totalBytes, false))
    const run = await appendRun(batch, totalBytes, false)
    ours = Math.max(ours, run.mbps)
    if (size === MiB && round === ROUNDS - 1) readCase = run
    else await closeAndRemove(run)
    rawSync = Math.max(rawSync, await rawWrite(batch, syncTotal, true))
    const sync = await appendRun(batch, syncTotal, true)
    oursSync = Math.max(oursSync, sync.mbps)
    await closeAndRemove(sync)
  }
  row(`append ${label} batches, no per-batch flush`, ours, raw)
  row(`append ${label} batches, flush per batch`, oursSync, rawSync)
}

if (readCase) {
  const { log, m } = readCase
  const segment = join(log.dir, log.segments()[0]!.logFile)
  await rawRead(segment) // warm the page cache
  let raw = 0
  let rawFresh = 0
  let ours = 0
  for (let round = 0; round < ROUNDS; round++) {
    raw = Math.max(raw, (await rawRead(segment)).mbps)
    rawFresh = Math.max(rawFresh, (await rawRead(segment, true)).mbps)
    ours = Math.max(ours, await readAll(log))
  }
  row('read warm segment, 1 MiB fetches (raw: one reused buffer)', ours, raw)
  row('read warm segment, 1 MiB fetches (raw: a new buffer per read)', ours, rawFresh)
  await m.close()
}

const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
for (const r of rows)
  console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '))
console.log('goal: append without per-batch flush >= 0.70 of raw')
await rm(root, { recursive: true, force: true })
