// The aborted transaction index of a partition: Kafka's `.txnindex` files beside the segments. Each entry
// (34 bytes: version int16, producerId int64, firstOffset int64, lastOffset int64, lastStableOffset int64)
// names one aborted transaction, so READ_COMMITTED fetches can tell consumers which records to drop.
// An entry goes into the file of the segment holding its abort marker. The entries of every file are kept
// in memory once loaded (aborts are rare next to records).
import { appendFile, readdir, readFile } from 'node:fs/promises'
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

export class AbortedTxnIndex {
  readonly #dir: string
  /** Ordered by lastOffset (entries are appended as aborts complete). */
  readonly #entries: AbortedTxn[]
  #writes: Promise<void> = Promise.resolve()

  private constructor(dir: string, entries: AbortedTxn[]) {
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
    const entries: AbortedTxn[] = []
    for (const n of names) entries.push(...decodeAbortedTxns(await readFile(join(dir, n))))
    entries.sort((a, b) => (a.lastOffset < b.lastOffset ? -1 : a.lastOffset > b.lastOffset ? 1 : 0))
    return new AbortedTxnIndex(dir, entries)
  }

  get size(): number {
    return this.#entries.length
  }

  /** Records an aborted transaction; its entry goes to the file of the segment holding the marker. */
  append(entry: AbortedTxn, segmentBaseOffset: bigint): Promise<void> {
    this.#entries.push(entry)
    const file = join(this.#dir, txnIndexFileName(segmentBaseOffset))
    const write = this.#writes.then(() => appendFile(file, encodeAbortedTxn(entry)))
    this.#writes = write.catch(() => undefined)
    return write
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
