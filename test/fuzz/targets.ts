// Time-bounded fuzz targets, run in-process: the request decoder (every API and version, mutated valid
// frames and random bytes), record-batch parsing (mutated batches, with and without a repaired CRC), and
// segment recovery (a partition log whose files are damaged between runs). Each target reports failures
// instead of throwing, so a run collects every distinct problem with the seed that reproduces it.
import fc from 'fast-check'
import { mkdtemp, readdir, rm, truncate, writeFile, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { apis } from '../../broker/protocol/generated/apis.ts'
import { MESSAGE_META } from '../../broker/protocol/generated/schema-meta.ts'
import { ProtocolError } from '../../broker/protocol/primitives/errors.ts'
import { Reader } from '../../broker/protocol/primitives/reader.ts'
import { Writer } from '../../broker/protocol/primitives/writer.ts'
import { COMPRESSION_NAMES, OFF_CRC, computeBatchCrc } from '../../broker/protocol/records/batch-header.ts'
import { iterateBatches, validateBatch } from '../../broker/protocol/records/batches.ts'
import { buildRecordBatch } from '../../broker/protocol/records/builder.ts'
import { RecordBatchError } from '../../broker/protocol/records/errors.ts'
import { readBatchRecords } from '../../broker/protocol/records/records.ts'
import { HandleCache } from '../../broker/storage/handle-cache.ts'
import { logConfigFromMap } from '../../broker/storage/log-config.ts'
import { PartitionLog } from '../../broker/storage/partition-log.ts'
import { readRequestHeader } from '../../broker/server/request-header.ts'
import { MessageArbitraries } from '../protocol/arbitraries.ts'

export interface FuzzReport {
  target: string
  iterations: number
  /** Distinct failures (first occurrence of each message), with the iteration seed. */
  failures: string[]
}

/** A small deterministic PRNG (xorshift32) so that a failure is reproducible from its seed. */
export class Rng {
  #s: number
  constructor(seed: number) {
    this.#s = seed >>> 0 || 0x9e3779b9
  }
  next(): number {
    let s = this.#s
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    this.#s = s >>> 0
    return this.#s
  }
  int(n: number): number {
    return n <= 0 ? 0 : this.next() % n
  }
  bytes(n: number): Buffer {
    const b = Buffer.alloc(n)
    for (let i = 0; i < n; i++) b[i] = this.next() & 0xff
    return b
  }
}

/** Values that hit boundaries when written over a length, count or varint. */
const INTERESTING = [0x00, 0x7f, 0x80, 0xff, 0x01, 0xfe]
const INTERESTING_32 = [0x7fffffff, -1, -2, 0, 1 << 30, 0x10000, -0x80000000]

/** One random structural mutation: bit flip, byte set, boundary int32, truncation, insertion, deletion. */
export function mutate(input: Buffer, rng: Rng, from = 0): Buffer {
  const buf = Buffer.from(input)
  const span = Math.max(1, buf.length - from)
  const at = from + rng.int(span)
  switch (rng.int(7)) {
    case 0:
      if (at < buf.length) buf[at] = (buf[at] as number) ^ (1 << rng.int(8))
      return buf
    case 1:
      if (at < buf.length) buf[at] = INTERESTING[rng.int(INTERESTING.length)] as number
      return buf
    case 2:
      if (at + 4 <= buf.length) buf.writeInt32BE(INTERESTING_32[rng.int(INTERESTING_32.length)] as number, at)
      return buf
    case 3:
      return buf.subarray(0, at)
    case 4:
      return Buffer.concat([buf.subarray(0, at), rng.bytes(1 + rng.int(16)), buf.subarray(at)])
    case 5:
      return Buffer.concat([buf.subarray(0, at), buf.subarray(Math.min(buf.length, at + 1 + rng.int(8)))])
    default:
      return Buffer.concat([buf, rng.bytes(1 + rng.int(32))])
  }
}

/** Per-input time above which a decode counts as a hang (generous: the machine is shared). */
const HANG_MS = 2000

function note(failures: Map<string, string>, key: string, detail: string): void {
  if (!failures.has(key)) failures.set(key, detail)
}

export interface Sample {
  apiKey: number
  version: number
  frame: Buffer
}

/** Valid request frames (header + body, no size prefix) for every request API and version. */
export function validRequestFrames(seed: number, perVersion: number): Sample[] {
  const out: Sample[] = []
  for (const m of MESSAGE_META) {
    if (m.kind !== 'request' || m.apiKey === null) continue
    const api = apis[m.apiKey]
    if (api === undefined) continue
    const arbs = new MessageArbitraries(m)
    for (let v = m.minVersion; v <= m.maxVersion; v++) {
      const values = fc.sample(arbs.message(v), { seed: seed + m.apiKey * 100 + v, numRuns: perVersion })
      for (const value of values) {
        const w = new Writer()
        w.int16(m.apiKey)
        w.int16(v)
        w.int32(7)
        const flexible = api.flexibleMin !== null && v >= api.flexibleMin
        // Header v1/v2: nullable client id; v2 adds tagged fields (ControlledShutdown v0 uses header v0).
        if (!(m.apiKey === 7 && v === 0)) {
          w.nullableString('fuzz')
          if (flexible) w.uint8(0)
        }
        api.encodeRequest(w, value, v)
        out.push({ apiKey: m.apiKey, version: v, frame: w.toBuffer() })
      }
    }
  }
  return out
}

/** Decodes a frame the way the broker does: header, then the body codec of the API and version. */
function decodeFrame(frame: Buffer): void {
  const r = new Reader(frame)
  const h = readRequestHeader(r, frame)
  const api = apis[h.apiKey]
  if (api === undefined || h.apiVersion < api.minVersion || h.apiVersion > api.maxVersion) return
  api.decodeRequest(r, h.apiVersion)
}

export async function fuzzRequestDecoder(seconds: number, seed = Date.now()): Promise<FuzzReport> {
  const rng = new Rng(seed)
  const samples = validRequestFrames(seed, 2)
  const failures = new Map<string, string>()
  const deadline = Date.now() + seconds * 1000
  let iterations = 0
  const heapBase = process.memoryUsage().arrayBuffers
  while (Date.now() < deadline) {
    for (let batch = 0; batch < 200; batch++) {
      iterations++
      const iterSeed = rng.next()
      const local = new Rng(iterSeed)
      let frame: Buffer
      if (local.int(10) === 0) {
        frame = local.bytes(local.int(64))
      } else {
        const s = samples[local.int(samples.length)] as Sample
        frame = s.frame
        const rounds = 1 + local.int(4)
        for (let i = 0; i < rounds; i++) frame = mutate(frame, local)
      }
      const t0 = performance.now()
      try {
        decodeFrame(frame)
      } catch (e) {
        if (!(e instanceof ProtocolError)) {
          const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
          note(
            failures,
            msg,
            `seed ${seed} iteration seed ${iterSeed}: ${msg} (frame ${frame.toString('hex').slice(0, 200)})`,
          )
        }
      }
      const took = performance.now() - t0
      if (took > HANG_MS)
        note(failures, 'hang', `seed ${seed} iteration seed ${iterSeed}: decode took ${took} ms`)
    }
    // Decoded values are views of the frame: external memory must not grow beyond a few frames' worth.
    const grown = process.memoryUsage().arrayBuffers - heapBase
    if (grown > 256 * 1024 * 1024) note(failures, 'alloc', `external memory grew by ${grown} bytes`)
    await new Promise((r) => setImmediate(r))
  }
  return { target: 'request-decoder', iterations, failures: [...failures.values()] }
}

async function sampleBatches(rng: Rng): Promise<Buffer[]> {
  const out: Buffer[] = []
  for (const compression of COMPRESSION_NAMES) {
    for (let n = 1; n <= 3; n++) {
      const records = Array.from({ length: n * 2 }, (_, i) => ({
        key: i % 2 ? null : `k${rng.int(100)}`,
        value: rng.bytes(rng.int(40)),
        headers: i === 1 ? [{ key: 'h', value: Buffer.from('v') }] : undefined,
      }))
      out.push(
        await buildRecordBatch({ records, compression, producerId: 7n, producerEpoch: 0, baseSequence: 0 }),
      )
    }
  }
  return out
}

function fixCrc(buf: Buffer): void {
  if (buf.length >= 61) buf.writeUInt32BE(computeBatchCrc(buf, 0, buf.length), OFF_CRC)
}

export async function fuzzRecordBatches(seconds: number, seed = Date.now()): Promise<FuzzReport> {
  const rng = new Rng(seed)
  const samples = await sampleBatches(rng)
  const failures = new Map<string, string>()
  const deadline = Date.now() + seconds * 1000
  let iterations = 0
  while (Date.now() < deadline) {
    iterations++
    const iterSeed = rng.next()
    const local = new Rng(iterSeed)
    let buf = samples[local.int(samples.length)] as Buffer
    const rounds = 1 + local.int(3)
    // Mutating past the CRC field and repairing it reaches the record parser and the decompressors.
    const repair = local.int(2) === 0
    for (let i = 0; i < rounds; i++) buf = mutate(buf, local, repair ? OFF_CRC + 4 : 0)
    if (repair) fixCrc(buf)
    const t0 = performance.now()
    try {
      for (const view of iterateBatches(buf)) {
        const problem = validateBatch(buf, view.position, view.size)
        if (problem === null)
          await readBatchRecords(buf, view.position, view.size, { maxUncompressedBytes: 1 << 20 })
      }
    } catch (e) {
      if (!(e instanceof RecordBatchError)) {
        const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
        note(failures, msg, `seed ${seed} iteration seed ${iterSeed}: ${msg}`)
      }
    }
    const took = performance.now() - t0
    if (took > HANG_MS) note(failures, 'hang', `seed ${seed} iteration seed ${iterSeed}: took ${took} ms`)
  }
  return { target: 'record-batches', iterations, failures: [...failures.values()] }
}

/**
 * Writes a partition log, damages its active segment or index, and reopens it as after a crash: recovery
 * must succeed and keep exactly the batches that lie wholly before the first damaged byte.
 */
export async function fuzzSegmentRecovery(seconds: number, seed = Date.now()): Promise<FuzzReport> {
  const rng = new Rng(seed)
  const failures = new Map<string, string>()
  const deadline = Date.now() + seconds * 1000
  let iterations = 0
  const root = await mkdtemp(join(tmpdir(), 'strata-fuzz-recovery-'))
  const cache = new HandleCache(16)
  const config = logConfigFromMap({ 'segment.bytes': '4096', 'index.interval.bytes': '64' })
  try {
    while (Date.now() < deadline) {
      iterations++
      const iterSeed = rng.next()
      const local = new Rng(iterSeed)
      const dir = join(root, `t-${iterations}`)
      const open = (clean: boolean): Promise<PartitionLog> =>
        PartitionLog.open({
          topic: 't',
          partition: iterations,
          dir,
          config,
          cache,
          cleanShutdown: clean,
          recoveryPoint: 0n,
        })
      try {
        const log = await open(true)
        const count = 2 + local.int(12)
        for (let i = 0; i < count; i++) {
          const records = Array.from({ length: 1 + local.int(3) }, (_, j) => ({
            key: null,
            value: `v${i}-${j}`,
          }))
          await log.append(
            await buildRecordBatch({ records, compression: local.int(3) === 0 ? 'zstd' : 'none' }),
          )
        }
        const endBefore = log.logEndOffset
        await log.close()
        const files = (await readdir(dir)).sort()
        const logs = files.filter((f) => f.endsWith('.log'))
        const active = join(dir, logs[logs.length - 1] as string)
        const base = BigInt((logs[logs.length - 1] as string).replace('.log', ''))
        const original = await readFile(active)
        // Batch boundaries of the active segment, to know the valid prefix after damage.
        const ends: { end: number; next: bigint }[] = []
        for (const v of iterateBatches(original)) {
          ends.push({
            end: v.position + v.size,
            next: v.header().baseOffset + BigInt(v.header().lastOffsetDelta) + 1n,
          })
        }
        const kind = local.int(4)
        let firstDamaged = original.length
        if (kind === 0) {
          const cut = local.int(original.length)
          await truncate(active, cut)
          firstDamaged = cut
        } else if (kind === 1) {
          await writeFile(active, Buffer.concat([original, local.bytes(1 + local.int(100))]))
        } else if (kind === 2) {
          const at = local.int(original.length)
          const damaged = Buffer.from(original)
          damaged[at] = (damaged[at] as number) ^ (1 + local.int(255))
          await writeFile(active, damaged)
          firstDamaged = at
        } else {
          const idx = active.replace(/\.log$/, '.index')
          await writeFile(idx, local.bytes(local.int(64)))
        }
        let expectedEnd = base
        let batchStart = 0
        for (const e of ends) {
          if (e.end <= firstDamaged) expectedEnd = e.next
          else if (batchStart <= firstDamaged) break
          batchStart = e.end
        }
        // Damage in the base offset, length or leader epoch of a batch is not covered by its CRC (as in
        // Kafka): only require that recovery keeps a consistent log then.
        const uncovered = kind === 2 && firstDamaged - batchStart < 16
        if (kind === 1 || kind === 3) expectedEnd = endBefore
        const reopened = await open(false)
        const end = reopened.logEndOffset
        // Read everything back: every offset below the end must be readable.
        let offset = reopened.logStartOffset
        while (offset < end) {
          const r = await reopened.read(offset, 1 << 20, { maxOffset: end, minOneMessage: true })
          let advanced = false
          for (const v of iterateBatches(r.records)) {
            const h = v.header()
            const next = h.baseOffset + BigInt(h.lastOffsetDelta) + 1n
            if (next > offset) {
              offset = next
              advanced = true
            }
          }
          if (!advanced) throw new Error(`read at ${offset} returned no batch below the end ${end}`)
        }
        await reopened.close()
        if (end !== expectedEnd && !uncovered) {
          note(
            failures,
            `prefix-${kind}`,
            `seed ${seed} iteration seed ${iterSeed}: damage kind ${kind} at ${firstDamaged}: recovered end ${end}, expected ${expectedEnd}`,
          )
        }
      } catch (e) {
        const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e)
        note(failures, msg, `seed ${seed} iteration seed ${iterSeed}: ${msg}`)
      }
      await rm(dir, { recursive: true, force: true })
    }
  } finally {
    await cache.closeAll()
    await rm(root, { recursive: true, force: true })
  }
  return { target: 'segment-recovery', iterations, failures: [...failures.values()] }
}
