// Producer state of one partition, tied to its log: loaded from the newest snapshot plus a replay of the
// batches written after it (so state survives a crash: a SIGKILL leaves no fresh snapshot, and the replay
// rebuilds the last batches of every producer from the log itself), and snapshotted again on clean
// shutdown and every SNAPSHOT_EVERY_BYTES appended.
import { loadLatestSnapshot, pruneSnapshots, writeSnapshot } from './snapshot.ts'
import { ProducerStateTable, type ProducerBatch } from './producer-state.ts'

/** A batch header seen while replaying the log. */
export interface ReplayedBatch extends ProducerBatch {
  baseOffset: bigint
  isControl: boolean
}

/** What producer state needs from a partition's log. */
export interface ProducerStateLog {
  /** The partition directory, where `.snapshot` files live. */
  readonly dir: string
  /** True once the log is closed (its topic was deleted, or the broker is stopping). */
  isClosed(): boolean
  logEndOffset(): bigint
  /** The first offset still in the log (segments below it were deleted). */
  logStartOffset?(): bigint
  /** The headers of the batches at and after `from`, in offset order. */
  replay(from: bigint): AsyncIterable<ReplayedBatch>
  /** Bounds the log's last stable offset by the earliest open transaction (-1: none open). */
  setFirstUnstableOffset?(offset: bigint): void
}

const SNAPSHOT_EVERY_BYTES = 64 * 1024 * 1024
const SNAPSHOTS_KEPT = 2
/** Kafka's producer.id.expiration.ms default: one day. */
const DEFAULT_EXPIRATION_MS = 86_400_000

export class PartitionProducers {
  readonly table = new ProducerStateTable()
  private readonly log: ProducerStateLog
  private tail: Promise<unknown> = Promise.resolve()
  private readonly expirationMs: () => number
  private bytesSinceSnapshot = 0
  private lastSnapshotOffset = -1n

  private constructor(log: ProducerStateLog, expirationMs: () => number) {
    this.log = log
    this.expirationMs = expirationMs
  }

  /**
   * `expirationMs`: producer.id.expiration.ms, applied whenever a snapshot is taken. `stopped`: checked
   * between replayed batches; true abandons the load (the broker is closing).
   */
  static async load(
    log: ProducerStateLog,
    expirationMs: () => number = () => DEFAULT_EXPIRATION_MS,
    stopped: () => boolean = () => false,
  ): Promise<PartitionProducers> {
    const p = new PartitionProducers(log, expirationMs)
    const end = log.logEndOffset()
    const snap = await loadLatestSnapshot(log.dir, end)
    let from = 0n
    if (snap !== undefined) {
      p.table.load(snap.entries)
      p.lastSnapshotOffset = snap.offset
      from = snap.offset
      // The log start has passed this snapshot: the deleted segments may have held the markers of the
      // transactions it has open. The replay (from the log start) reopens those with batches still in the log.
      if (snap.offset < (log.logStartOffset?.() ?? 0n))
        for (const e of p.table.entries()) e.currentTxnFirstOffset = -1n
    }
    if (from < end) {
      for await (const b of log.replay(from)) {
        if (stopped()) throw new Error(`producer state load of ${log.dir} stopped: the broker is closing`)
        if (b.baseOffset + BigInt(b.lastOffsetDelta) < from) continue
        if (!b.isControl) p.table.record(b, b.baseOffset)
        else if (b.transactional === true) p.table.endTransaction(b.producerId, b.epoch, -1, b.maxTimestamp)
      }
    }
    p.syncStableOffset()
    return p
  }

  /** Hands the earliest open transaction to the log (after transactional batches or markers are recorded). */
  syncStableOffset(): void {
    this.log.setFirstUnstableOffset?.(this.table.firstUnstableOffset())
  }

  /** Before appending a transactional batch at the log end: keep it unstable until it is recorded. */
  holdStableOffsetAt(offset: bigint): void {
    const first = this.table.firstUnstableOffset()
    this.log.setFirstUnstableOffset?.(first >= 0n && first < offset ? first : offset)
  }

  /**
   * Runs `fn` after every earlier call for this partition has finished, so that checking sequences,
   * appending and recording the result happen as one step per produce request.
   */
  serialize<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn)
    this.tail = run.catch(() => undefined)
    return run
  }

  /** Counts appended bytes and takes a snapshot (in the background) when enough have gone by. */
  appended(bytes: number): void {
    this.bytesSinceSnapshot += bytes
    if (this.bytesSinceSnapshot < SNAPSHOT_EVERY_BYTES) return
    this.bytesSinceSnapshot = 0
    void this.snapshot().catch(() => undefined)
  }

  get closed(): boolean {
    return this.log.isClosed()
  }

  /** Writes a snapshot at the current log end (if anything changed since the last one). */
  async snapshot(): Promise<void> {
    if (this.log.isClosed()) return
    const offset = this.log.logEndOffset()
    if (offset === this.lastSnapshotOffset) return
    this.table.expire(BigInt(Date.now()), BigInt(this.expirationMs()))
    // Encode now, inside the current state; the file write may finish later.
    const entries = [...this.table.entries()].map((e) => ({ ...e, batches: e.batches.slice(-1) }))
    this.lastSnapshotOffset = offset
    await writeSnapshot(this.log.dir, offset, entries)
    await pruneSnapshots(this.log.dir, SNAPSHOTS_KEPT)
  }
}

/** A partition whose producer state `ProducerStates.preload` loads. */
export interface PreloadEntry {
  key: object
  log: () => ProducerStateLog
}

/**
 * Producer state of every partition this broker leads: preloaded in the background when logs are opened or
 * created, else loaded on first use. Keyed by the partition's log object, so a deleted and re-created topic
 * starts with fresh state.
 */
export class ProducerStates {
  private readonly partitions = new Map<object, Promise<PartitionProducers>>()
  private readonly expirationMs: () => number
  private readonly preloads = new Set<Promise<void>>()
  private closing = false

  constructor(expirationMs: () => number = () => DEFAULT_EXPIRATION_MS) {
    this.expirationMs = expirationMs
  }

  /** The state of a partition; `log` opens its view of the log the first time it is asked for. */
  get(key: object, log: () => ProducerStateLog): Promise<PartitionProducers> {
    return this.getOrLoad(key, log, () => false)
  }

  /**
   * Loads the state of `entries` in the background, `concurrency` at a time, so that the first fetch or
   * produce finds it ready instead of replaying the log (Kafka loads producer state with the log). A failed
   * load is dropped: the next `get` retries it and reports the error to its request. Stops taking new
   * entries, and abandons running replays, when close() starts.
   */
  preload(entries: readonly PreloadEntry[], concurrency: number): Promise<void> {
    let next = 0
    const worker = async (): Promise<void> => {
      for (let i = next++; i < entries.length && !this.closing; i = next++) {
        const e = entries[i] as PreloadEntry
        await this.getOrLoad(e.key, e.log, () => this.closing).catch(() => undefined)
      }
    }
    const run = Promise.all(Array.from({ length: Math.min(concurrency, entries.length) }, worker)).then(
      () => undefined,
    )
    this.preloads.add(run)
    void run.then(() => this.preloads.delete(run))
    return run
  }

  private getOrLoad(
    key: object,
    log: () => ProducerStateLog,
    stopped: () => boolean,
  ): Promise<PartitionProducers> {
    let p = this.partitions.get(key)
    if (p === undefined) {
      void this.pruneClosed()
      p = PartitionProducers.load(log(), this.expirationMs, stopped)
      this.partitions.set(key, p)
      p.catch(() => this.partitions.delete(key))
    }
    return p
  }

  /** Drops the state of closed logs (deleted topics); runs when a partition is first used, which is rare. */
  private async pruneClosed(): Promise<void> {
    for (const [key, p] of this.partitions) {
      const loaded = await p.catch(() => undefined)
      if (loaded?.closed === true) this.partitions.delete(key)
    }
  }

  /** Snapshots every loaded partition (clean shutdown). */
  async close(): Promise<void> {
    this.closing = true
    await Promise.all(this.preloads)
    const all = await Promise.allSettled(this.partitions.values())
    await Promise.allSettled(
      all.map((r) => (r.status === 'fulfilled' ? r.value.serialize(() => r.value.snapshot()) : undefined)),
    )
  }
}
