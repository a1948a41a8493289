// The aborted transaction index of a partition: Kafka's `.txnindex` files beside the segments. Each entry
// (34 bytes: version int16, producerId int64, firstOffset int64, lastOffset int64, lastStableOffset int64)
// names one aborted transaction, so READ_COMMITTED fetches can tell consumers which records to drop.
// An entry goes into the file of the segment holding its abort marker. The entries of every file are kept
// in memory once loaded (aborts are rare next to records).
import { appendFile, open, readdir, readFile, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'

export const TXN_INDEX_SUFFIX = '.txnindex'
export const TXN_INDEX_ENTRY_SIZE = 34
const VERSION = 0

export interface AbortedTxn {
  producerId: bigint
  firstOffset: bigint
  lastOffset: bigint
  lastStableOffset: bigint
}

export function encodeAbortedTxn(e: AbortedTxn): Buffer {
  const b = Buffer.alloc(TXN_INDEX_ENTRY_SIZE)
  b.writeInt16BE(VERSION, 0)
  b.writeBigInt64BE(e.producerId, 2)
  b.writeBigInt64BE(e.firstOffset, 10)
  b.writeBigInt64BE(e.lastOffset, 18)
  b.writeBigInt64BE(e.lastStableOffset, 26)
  return b
}

/** Decodes a whole file; a torn last entry (crash mid-write) is ignored. */
export function decodeAbortedTxns(buf: Buffer): AbortedTxn[] {
  const out: AbortedTxn[] = []
  for (let pos = 0; pos + TXN_INDEX_ENTRY_SIZE <= buf.length; pos += TXN_INDEX_ENTRY_SIZE) {
    if (buf.readInt16BE(pos) !== VERSION) break
    out.push({
      producerId: buf.readBigInt64BE(pos + 2),
      firstOffset: buf.readBigInt64BE(pos + 10),
      lastOffset: buf.readBigInt64BE(pos + 18),
      lastStableOffset: buf.readBigInt64BE(pos + 26),
    })
  }
  return out
}

export function txnIndexFileName(segmentBaseOffset: bigint): string {
  return `${segmentBaseOffset.toString().padStart(20, '0')}${TXN_INDEX_SUFFIX}`
}

/** An entry and the segment whose file holds it. */
interface FiledTxn extends AbortedTxn {
  segmentBaseOffset: bigint
}

export class AbortedTxnIndex {
  readonly #dir: string
  /** Ordered by lastOffset (entries are appended as aborts complete). */
  #entries: FiledTxn[]
  #writes: Promise<void> = Promise.resolve()

  private constructor(dir: string, entries: FiledTxn[]) {
    this.#dir = dir
    this.#entries = entries
  }

  static async load(dir: string): Promise<AbortedTxnIndex> {
    let names: string[] = []
    try {
      names = (await readdir(dir)).filter((n) => n.endsWith(TXN_INDEX_SUFFIX)).sort()
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    const entries: FiledTxn[] = []
    for (const n of names) {
      const segmentBaseOffset = BigInt(n.slice(0, -TXN_INDEX_SUFFIX.length))
      // A file of a segment being deleted may vanish between the listing and the read.
      const bytes = await readFile(join(dir, n)).catch(ignoreMissing)
      if (bytes === null) continue
      for (const e of decodeAbortedTxns(bytes)) entries.push({ ...e, segmentBaseOffset })
    }
    entries.sort((a, b) => (a.lastOffset < b.lastOffset ? -1 : a.lastOffset > b.lastOffset ? 1 : 0))
    return new AbortedTxnIndex(dir, entries)
  }

  get size(): number {
    return this.#entries.length
  }

  /** Records an aborted transaction; its entry goes to the file of the segment holding the marker. */
  append(entry: AbortedTxn, segmentBaseOffset: bigint): Promise<void> {
    this.#entries.push({ ...entry, segmentBaseOffset })
    const file = join(this.#dir, txnIndexFileName(segmentBaseOffset))
    return this.#serial(() => appendFile(file, encodeAbortedTxn(entry)))
  }

  /**
   * Removes the entries matching `drop` from memory and from their files (rewritten whole: temp file, fsync,
   * rename; an emptied file is removed). Compaction calls it for the abort markers it discards.
   */
  remove(drop: (e: AbortedTxn) => boolean): Promise<void> {
    const touched = new Set<bigint>()
    for (const e of this.#entries) if (drop(e)) touched.add(e.segmentBaseOffset)
    if (touched.size === 0) return Promise.resolve()
    this.#entries = this.#entries.filter((e) => !drop(e))
    const kept = this.#entries.filter((e) => touched.has(e.segmentBaseOffset))
    return this.#serial(async () => {
      for (const base of touched) {
        const rest = kept.filter((e) => e.segmentBaseOffset === base)
        await rewriteFile(join(this.#dir, txnIndexFileName(base)), rest)
      }
    })
  }

  /** Forgets the entries of transactions that ended below `offset` (their segments were deleted). */
  forgetBefore(offset: bigint): void {
    if (this.#entries.length > 0 && (this.#entries[0] as FiledTxn).lastOffset < offset)
      this.#entries = this.#entries.filter((e) => e.lastOffset >= offset)
  }

  #serial(write: () => Promise<void>): Promise<void> {
    const run = this.#writes.then(write)
    this.#writes = run.catch(() => undefined)
    return run
  }

  /** Aborted transactions overlapping [from, to): those a fetch of that range must report. */
  overlapping(from: bigint, to: bigint): AbortedTxn[] {
    const entries = this.#entries
    // Entries are ordered by lastOffset: skip the ones that end before `from` by binary search.
    let lo = 0
    let hi = entries.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if ((entries[mid] as AbortedTxn).lastOffset < from) lo = mid + 1
      else hi = mid
    }
    const out: AbortedTxn[] = []
    for (let i = lo; i < entries.length; i++) {
      const e = entries[i] as AbortedTxn
      if (e.firstOffset < to) out.push(e)
    }
    return out
  }
}

/** Replaces a .txnindex file with `entries` (temp file, fsync, rename), or removes it when none are left. */
async function rewriteFile(file: string, entries: readonly AbortedTxn[]): Promise<void> {
  if (entries.length === 0) {
    await rm(file, { force: true })
    return
  }
  const tmp = `${file}.tmp`
  const fh = await open(tmp, 'w')
  try {
    await fh.writeFile(Buffer.concat(entries.map(encodeAbortedTxn)))
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(tmp, file)
}

/**
 * Recovery: drops the entries of one segment's .txnindex whose abort marker (`lastOffset`) is at or beyond
 * `endOffset`, the segment's end after recovery truncated it, along with a torn last entry (Kafka's
 * TransactionIndex.truncateTo). Otherwise a READ_COMMITTED fetch would report aborts of records that are
 * gone, and of the records later written at those offsets. Call it before the index is loaded. Returns the
 * number of entries dropped.
 */
export async function truncateTxnIndexFile(
  dir: string,
  segmentBaseOffset: bigint,
  endOffset: bigint,
): Promise<number> {
  const file = join(dir, txnIndexFileName(segmentBaseOffset))
  const bytes = await readFile(file).catch(ignoreMissing)
  if (bytes === null) return 0
  const all = decodeAbortedTxns(bytes)
  const kept = all.filter((e) => e.lastOffset < endOffset)
  if (kept.length * TXN_INDEX_ENTRY_SIZE !== bytes.length) await rewriteFile(file, kept)
  return all.length - kept.length
}

function ignoreMissing(err: unknown): null {
  if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  return null
}

const indexes = new WeakMap<object, Promise<AbortedTxnIndex>>()

/** The index of a partition log (keyed by the log object), loaded on first use. */
export function abortedIndexOf(log: { readonly dir: string }): Promise<AbortedTxnIndex> {
  let p = indexes.get(log)
  if (p === undefined) {
    p = AbortedTxnIndex.load(log.dir)
    indexes.set(log, p)
    p.catch(() => indexes.delete(log))
  }
  return p
}

/** The index of `log` if it was loaded, without loading it (nothing to update otherwise). */
export function loadedAbortedIndexOf(log: object): Promise<AbortedTxnIndex> | undefined {
  return indexes.get(log)
}
