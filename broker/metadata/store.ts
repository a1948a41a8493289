// The durable cluster metadata: a log of Kafka metadata records under <data>/__cluster_metadata-0/
// (segments named by base offset, each a sequence of v2 record batches, one batch per operation so an
// operation is all-or-nothing), plus snapshots `<nextOffset>-<epoch>.checkpoint` holding the whole image.
//
// commit(records) applies the records to the in-memory image at once (so the next request sees them and
// two racing requests cannot both create a topic) and resolves after the batch is fsynced: handlers await
// it before they answer. Startup loads the newest valid snapshot, replays the log after it, and truncates
// a torn batch at the end (a crash mid-write). Snapshots are written temp + fsync + rename at clean
// shutdown and every SNAPSHOT_EVERY records; then older segments and snapshots are deleted.
import fs from 'node:fs'
import fsp from 'node:fs/promises'
import path from 'node:path'
import type { Logger } from 'pino'
import { iterateBatches } from '../protocol/records/batches.ts'
import { decodeRecords } from '../protocol/records/records.ts'
import { buildBatch } from './batch-writer.ts'
import { MetadataImage } from './image.ts'
import { decodeMetadataRecord, encodeMetadataRecord } from './record-codec.ts'
import type { MetadataRecord } from './records.ts'

export const METADATA_DIR = '__cluster_metadata-0'
const SNAPSHOT_EVERY = 1000
const SNAPSHOT_BATCH_RECORDS = 500
const SEGMENT_RE = /^(\d{20})\.log$/
const SNAPSHOT_RE = /^(\d{20})-(\d{10})\.checkpoint$/

function segmentName(baseOffset: bigint): string {
  return `${baseOffset.toString().padStart(20, '0')}.log`
}
function snapshotName(endOffset: bigint): string {
  return `${endOffset.toString().padStart(20, '0')}-${'0'.padStart(10, '0')}.checkpoint`
}

/** Applies every metadata record in `buf` (a sequence of batches); returns the offset after the last. */
function replayBatches(
  buf: Buffer,
  from: bigint,
  apply: (rec: MetadataRecord) => void,
): { next: bigint; validBytes: number } {
  let next = from
  let validBytes = 0
  for (const batch of iterateBatches(buf)) {
    if (batch.validate({ allowCompacted: true }) !== null) break
    const base = batch.baseOffset
    const last = base + BigInt(batch.lastOffsetDelta)
    if (last >= from) {
      for (const r of decodeRecords(batch)) {
        if (base + BigInt(r.offsetDelta) < from || r.value === null) continue
        const rec = decodeMetadataRecord(r.value)
        if (rec) apply(rec)
      }
    }
    if (last + 1n > next) next = last + 1n
    validBytes = batch.end
  }
  return { next, validBytes }
}

async function writeFileDurably(file: string, chunks: readonly Buffer[]): Promise<void> {
  const tmp = `${file}.tmp`
  const fh = await fsp.open(tmp, 'w')
  try {
    for (const c of chunks) await fh.write(c)
    await fh.sync()
  } finally {
    await fh.close()
  }
  await fsp.rename(tmp, file)
  await syncDir(path.dirname(file))
}

async function syncDir(dir: string): Promise<void> {
  // Directory fsync makes the rename durable; Windows cannot open directories, where rename is enough.
  if (process.platform === 'win32') return
  const fh = await fsp.open(dir, 'r')
  try {
    await fh.sync()
  } finally {
    await fh.close()
  }
}

export class MetadataStore {
  readonly image = new MetadataImage()
  readonly dir: string
  readonly #log: Logger
  /** Offset the next record gets. */
  #nextOffset = 0n
  #segment: fs.promises.FileHandle | null = null
  #segmentBase = 0n
  #sinceSnapshot = 0
  /** Serializes appends, fsyncs and snapshots. */
  #chain: Promise<void> = Promise.resolve()
  #closed = false
  readonly #listeners: ((rec: MetadataRecord) => void)[] = []

  private constructor(dir: string, log: Logger) {
    this.dir = dir
    this.#log = log
  }

  /** Opens (creating if needed) the metadata log under dataDir and rebuilds the image. Startup only. */
  static async open(dataDir: string, log: Logger): Promise<MetadataStore> {
    const store = new MetadataStore(path.join(dataDir, METADATA_DIR), log)
    await store.#load()
    return store
  }

  get nextOffset(): bigint {
    return this.#nextOffset
  }

  /** Called after a record is applied to the image (services that mirror metadata subscribe). */
  onRecord(listener: (rec: MetadataRecord) => void): void {
    this.#listeners.push(listener)
  }

  /**
   * Applies `records` to the image now and makes them durable as one batch. Resolves once fsynced;
   * rejects (and the broker should stop) when the disk write fails.
   */
  commit(records: readonly MetadataRecord[]): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('metadata store is closed'))
    if (records.length === 0) return Promise.resolve()
    const batch = buildBatch(
      this.#nextOffset,
      records.map((r) => encodeMetadataRecord(r)),
      Date.now(),
    )
    this.#nextOffset += BigInt(records.length)
    for (const r of records) this.#apply(r)
    this.#sinceSnapshot += records.length
    const done = this.#enqueue(async () => {
      const fh = this.#segment as fs.promises.FileHandle
      await fh.write(batch)
      await fh.datasync()
    })
    if (this.#sinceSnapshot >= SNAPSHOT_EVERY) {
      this.#sinceSnapshot = 0
      this.#enqueue(() => this.#snapshot()).catch((err: unknown) =>
        this.#log.error({ err }, 'metadata snapshot failed'),
      )
    }
    return done
  }

  /** Writes a final snapshot and closes the log. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    await this.#enqueue(async () => {
      if (this.#sinceSnapshot > 0 || this.#nextOffset === 0n) await this.#snapshot()
      await this.#segment?.close()
      this.#segment = null
    })
  }

  #apply(rec: MetadataRecord): void {
    this.image.apply(rec)
    for (const l of this.#listeners) l(rec)
  }

  #enqueue(task: () => Promise<void>): Promise<void> {
    const run = this.#chain.then(task)
    this.#chain = run.catch(() => undefined)
    return run
  }

  async #load(): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true })
    const names = fs.readdirSync(this.dir)
    for (const n of names) if (n.endsWith('.tmp')) fs.rmSync(path.join(this.dir, n), { force: true })

    // Newest snapshot that reads back whole; a damaged one falls back to the one before.
    const snapshots = names
      .map((n) => SNAPSHOT_RE.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ name: m[0], end: BigInt(m[1] as string) }))
      .sort((a, b) => (a.end < b.end ? 1 : -1))
    let from = 0n
    for (const s of snapshots) {
      const buf = fs.readFileSync(path.join(this.dir, s.name))
      const staged: MetadataRecord[] = []
      const { validBytes } = replayBatches(buf, 0n, (r) => staged.push(r))
      if (validBytes !== buf.length) {
        this.#log.warn({ snapshot: s.name }, 'ignoring damaged metadata snapshot')
        continue
      }
      for (const r of staged) this.#apply(r)
      from = s.end
      break
    }

    const segments = names
      .map((n) => SEGMENT_RE.exec(n))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => ({ name: m[0], base: BigInt(m[1] as string) }))
      .sort((a, b) => (a.base < b.base ? -1 : 1))
    let next = from
    let truncated = false
    for (const seg of segments) {
      const file = path.join(this.dir, seg.name)
      if (truncated) {
        fs.rmSync(file, { force: true })
        continue
      }
      const buf = fs.readFileSync(file)
      const res = replayBatches(buf, next, (r) => this.#apply(r))
      if (res.next > next) next = res.next
      if (res.validBytes !== buf.length) {
        this.#log.warn({ segment: seg.name, at: res.validBytes }, 'truncating torn metadata log tail')
        fs.truncateSync(file, res.validBytes)
        truncated = true
      }
    }
    this.#nextOffset = next
    const last = segments.filter((s) => fs.existsSync(path.join(this.dir, s.name))).at(-1)
    if (last) {
      this.#segmentBase = last.base
      this.#segment = await fsp.open(path.join(this.dir, last.name), 'a')
    } else {
      await this.#roll()
    }
    this.#log.debug({ nextOffset: String(next), topics: this.image.topicsByName.size }, 'metadata loaded')
  }

  /** Starts a new segment at the next offset. */
  async #roll(): Promise<void> {
    await this.#segment?.close()
    this.#segmentBase = this.#nextOffset
    this.#segment = await fsp.open(path.join(this.dir, segmentName(this.#segmentBase)), 'a')
    await syncDir(this.dir)
  }

  /** Writes the image as a snapshot at the current offset, then drops what it makes redundant. */
  async #snapshot(): Promise<void> {
    const end = this.#nextOffset
    const values = [...this.image.records()].map((r) => encodeMetadataRecord(r))
    const chunks: Buffer[] = []
    const now = Date.now()
    for (let i = 0; i < values.length; i += SNAPSHOT_BATCH_RECORDS) {
      chunks.push(buildBatch(BigInt(i), values.slice(i, i + SNAPSHOT_BATCH_RECORDS), now))
    }
    await writeFileDurably(path.join(this.dir, snapshotName(end)), chunks)
    // The image's records are durable in the snapshot; everything older can go.
    if (this.#segmentBase < end) await this.#roll()
    for (const n of await fsp.readdir(this.dir)) {
      const seg = SEGMENT_RE.exec(n)
      const snap = SNAPSHOT_RE.exec(n)
      const stale = (seg && BigInt(seg[1] as string) < end) || (snap && BigInt(snap[1] as string) < end)
      if (stale) await fsp.rm(path.join(this.dir, n), { force: true })
    }
  }
}
