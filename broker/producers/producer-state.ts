// Per-partition state of idempotent producers: the producer epoch and the last few batches each
// producer wrote, so that the leader can reject out-of-order sequences and answer retried batches with
// the offsets they were first written at (Kafka's ProducerStateManager, for one partition).
// Everything here works on batch headers only; no record is ever decoded.

export const NO_PRODUCER_ID = -1n
export const NO_PRODUCER_EPOCH = -1
export const NO_SEQUENCE = -1
/** Kafka keeps the metadata of the last five batches per producer (max.in.flight.requests for idempotence). */
export const MAX_CACHED_BATCHES = 5

const INT32_MAX = 0x7fffffff

/** What the broker remembers of one written batch. */
export interface BatchMetadata {
  firstSeq: number
  lastSeq: number
  firstOffset: bigint
  lastOffset: bigint
  /** The batch's max timestamp (or its append time). */
  timestamp: bigint
}

export interface ProducerEntry {
  producerId: bigint
  epoch: number
  /** Oldest first, at most MAX_CACHED_BATCHES. */
  batches: BatchMetadata[]
  coordinatorEpoch: number
  /** First offset of the producer's open transaction, or -1. */
  currentTxnFirstOffset: bigint
  /** Timestamp of the producer's last write, for expiration. */
  lastTimestamp: bigint
}

/** The header fields of a batch that producer state looks at. */
export interface ProducerBatch {
  producerId: bigint
  epoch: number
  baseSequence: number
  lastOffsetDelta: number
  maxTimestamp: bigint
  /** A batch of a transaction: it opens the producer's transaction on this partition if none is open. */
  transactional?: boolean
}

export type SequenceRejection = 'out-of-order-sequence' | 'invalid-producer-epoch' | 'unknown-producer-id'

export type SequenceCheck =
  | { kind: 'append' }
  | { kind: 'duplicate'; batch: BatchMetadata }
  | { kind: 'reject'; reason: SequenceRejection; message: string }

/** The sequence of the last record of a batch; sequences wrap from INT32_MAX to 0. */
export function lastSequenceOf(baseSequence: number, lastOffsetDelta: number): number {
  const last = baseSequence + lastOffsetDelta
  return last > INT32_MAX ? last - INT32_MAX - 1 : last
}

function firstSequenceOf(lastSequence: number, offsetDelta: number): number {
  const first = lastSequence - offsetDelta
  return first < 0 ? first + INT32_MAX + 1 : first
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX)
}

/** Builds an entry as a snapshot stores it: only the last batch is known. */
export function entryFromSnapshot(fields: {
  producerId: bigint
  epoch: number
  lastSequence: number
  lastOffset: bigint
  offsetDelta: number
  timestamp: bigint
  coordinatorEpoch: number
  currentTxnFirstOffset: bigint
}): ProducerEntry {
  const batches: BatchMetadata[] =
    fields.lastSequence === NO_SEQUENCE
      ? []
      : [
          {
            firstSeq: firstSequenceOf(fields.lastSequence, fields.offsetDelta),
            lastSeq: fields.lastSequence,
            firstOffset: fields.lastOffset - BigInt(fields.offsetDelta),
            lastOffset: fields.lastOffset,
            timestamp: fields.timestamp,
          },
        ]
  return {
    producerId: fields.producerId,
    epoch: fields.epoch,
    batches,
    coordinatorEpoch: fields.coordinatorEpoch,
    currentTxnFirstOffset: fields.currentTxnFirstOffset,
    lastTimestamp: fields.timestamp,
  }
}

/** Producer state of one partition. Callers serialize check + append + record per partition. */
export class ProducerStateTable {
  private readonly producers = new Map<bigint, ProducerEntry>()

  get size(): number {
    return this.producers.size
  }

  get(producerId: bigint): ProducerEntry | undefined {
    return this.producers.get(producerId)
  }

  entries(): IterableIterator<ProducerEntry> {
    return this.producers.values()
  }

  /**
   * Checks the batches of one produce request for this partition, in order, as if each earlier one had
   * been appended. A duplicate of an already written batch answers the whole request with that batch.
   */
  check(batches: readonly ProducerBatch[]): SequenceCheck {
    // What the earlier batches of this request would leave behind, per producer.
    const staged = new Map<bigint, { epoch: number; lastSeq: number }>()
    for (const batch of batches) {
      if (batch.producerId === NO_PRODUCER_ID) continue
      const entry = this.producers.get(batch.producerId)
      const pending = staged.get(batch.producerId)
      if (pending === undefined && entry !== undefined) {
        const dup = findDuplicate(entry, batch)
        if (dup !== undefined) return { kind: 'duplicate', batch: dup }
      }
      const currentEpoch = pending?.epoch ?? entry?.epoch ?? NO_PRODUCER_EPOCH
      const rejection = checkBatch(entry, pending, currentEpoch, batch)
      if (rejection !== undefined) return rejection
      staged.set(batch.producerId, {
        epoch: batch.epoch,
        lastSeq: lastSequenceOf(batch.baseSequence, batch.lastOffsetDelta),
      })
    }
    return { kind: 'append' }
  }

  /** Records a batch that was written at `firstOffset` (on append, and when replaying the log). */
  record(batch: ProducerBatch, firstOffset: bigint): void {
    if (batch.producerId === NO_PRODUCER_ID) return
    let entry = this.producers.get(batch.producerId)
    if (entry === undefined) {
      entry = {
        producerId: batch.producerId,
        epoch: batch.epoch,
        batches: [],
        coordinatorEpoch: -1,
        currentTxnFirstOffset: -1n,
        lastTimestamp: batch.maxTimestamp,
      }
      this.producers.set(batch.producerId, entry)
    } else if (batch.epoch !== entry.epoch) {
      // A new epoch starts a new sequence space: the old epoch's batches can no longer be retried.
      entry.epoch = batch.epoch
      entry.batches = []
    }
    entry.batches.push({
      firstSeq: batch.baseSequence,
      lastSeq: lastSequenceOf(batch.baseSequence, batch.lastOffsetDelta),
      firstOffset,
      lastOffset: firstOffset + BigInt(batch.lastOffsetDelta),
      timestamp: batch.maxTimestamp,
    })
    if (entry.batches.length > MAX_CACHED_BATCHES) entry.batches.shift()
    entry.lastTimestamp = batch.maxTimestamp
    if (batch.transactional === true && entry.currentTxnFirstOffset < 0n)
      entry.currentTxnFirstOffset = firstOffset
  }

  /**
   * A commit or abort marker of `producerId` at `epoch` was written: its transaction on this partition is
   * closed. Returns the first offset of that transaction, or -1 when none was open. The marker's epoch
   * becomes the producer's (a coordinator that bumped the epoch fences the old producer here too).
   */
  endTransaction(producerId: bigint, epoch: number, coordinatorEpoch: number, timestamp: bigint): bigint {
    let entry = this.producers.get(producerId)
    if (entry === undefined) {
      entry = {
        producerId,
        epoch,
        batches: [],
        coordinatorEpoch,
        currentTxnFirstOffset: -1n,
        lastTimestamp: timestamp,
      }
      this.producers.set(producerId, entry)
    }
    if (epoch > entry.epoch) {
      entry.epoch = epoch
      entry.batches = []
    }
    entry.coordinatorEpoch = coordinatorEpoch
    entry.lastTimestamp = timestamp
    const first = entry.currentTxnFirstOffset
    entry.currentTxnFirstOffset = -1n
    return first
  }

  /** The first offset of the earliest open transaction on this partition, or -1 when none is open. */
  firstUnstableOffset(): bigint {
    let min = -1n
    for (const e of this.producers.values()) {
      if (e.currentTxnFirstOffset >= 0n && (min < 0n || e.currentTxnFirstOffset < min))
        min = e.currentTxnFirstOffset
    }
    return min
  }

  /** Replaces the whole table (loading a snapshot). */
  load(entries: Iterable<ProducerEntry>): void {
    this.producers.clear()
    for (const e of entries) this.producers.set(e.producerId, e)
  }

  /** Forgets producers idle for longer than `maxIdleMs` at time `nowMs` (producer.id.expiration.ms). */
  expire(nowMs: bigint, maxIdleMs: bigint): void {
    for (const [id, entry] of this.producers) {
      if (entry.currentTxnFirstOffset < 0n && nowMs - entry.lastTimestamp >= maxIdleMs)
        this.producers.delete(id)
    }
  }
}

function findDuplicate(entry: ProducerEntry, batch: ProducerBatch): BatchMetadata | undefined {
  if (entry.epoch !== batch.epoch) return undefined
  const lastSeq = lastSequenceOf(batch.baseSequence, batch.lastOffsetDelta)
  return entry.batches.find((b) => b.firstSeq === batch.baseSequence && b.lastSeq === lastSeq)
}

function checkBatch(
  entry: ProducerEntry | undefined,
  pending: { epoch: number; lastSeq: number } | undefined,
  currentEpoch: number,
  batch: ProducerBatch,
): SequenceCheck | undefined {
  if (batch.epoch < currentEpoch) {
    return {
      kind: 'reject',
      reason: 'invalid-producer-epoch',
      message: `epoch ${batch.epoch} of producer ${batch.producerId} is older than the current epoch ${currentEpoch}`,
    }
  }
  if (batch.epoch !== currentEpoch) {
    if (batch.baseSequence === 0) return undefined
    if (currentEpoch !== NO_PRODUCER_EPOCH) {
      return {
        kind: 'reject',
        reason: 'out-of-order-sequence',
        message: `first sequence of a new epoch ${batch.epoch} must be 0, got ${batch.baseSequence}`,
      }
    }
    return {
      kind: 'reject',
      reason: 'unknown-producer-id',
      message: `producer ${batch.producerId} has no state on this partition and sent sequence ${batch.baseSequence}`,
    }
  }
  const lastSeq = pending?.lastSeq ?? entry?.batches.at(-1)?.lastSeq ?? NO_SEQUENCE
  // A known epoch with no batch left (all removed by retention or DeleteRecords) accepts any sequence.
  if (lastSeq === NO_SEQUENCE || inSequence(lastSeq, batch.baseSequence)) return undefined
  return {
    kind: 'reject',
    reason: 'out-of-order-sequence',
    message: `producer ${batch.producerId} sent sequence ${batch.baseSequence}, expected ${lastSeq === INT32_MAX ? 0 : lastSeq + 1}`,
  }
}
