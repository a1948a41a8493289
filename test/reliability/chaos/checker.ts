// The chaos checker: compares what the broker acknowledged, what consumers read during the run, what a
// final scan reads back (twice), and the committed offsets observed over time. Pure functions over plain
// histories, so the checker itself is unit-tested against histories with known anomalies.

/** A write the broker acknowledged: `value` is unique (producer name and sequence number). */
export interface Ack {
  partition: number
  offset: bigint
  value: string
}

/** One record as read back: the offset, its value, and the producer id/sequence from its batch. */
export interface ReadRecord {
  partition: number
  offset: bigint
  value: string
  producerId: bigint
  sequence: number
}

/** Reads of one consumer session on one partition, in delivery order (a rebalance starts a new session). */
export interface ConsumerSession {
  partition: number
  offsets: bigint[]
}

export interface CommitObservation {
  partition: number
  offset: bigint
}

export interface ChaosHistory {
  acks: Ack[]
  /** Records a consumer group read during the run. */
  consumed: ReadRecord[]
  sessions: ConsumerSession[]
  /** Final scans of every partition (at least one; two show whether reads are repeatable). */
  scans: ReadRecord[][]
  /** Committed offsets in observation order. */
  commits: CommitObservation[]
}

export interface ChaosCounts {
  acknowledged: number
  read: number
  /** Acknowledged but absent from the final scan. */
  lostWrites: number
  /** The same producer id and sequence (or the same unique value) at two offsets. */
  duplicates: number
  /** An offset that held two different records across reads (or a different record than acknowledged). */
  inconsistentOffsets: number
  /** Offsets that did not increase within a consumer session or within a scan. */
  nonMonotonicReads: number
  /** Committed offsets observed lower than an earlier observation. */
  committedOffsetsBackwards: number
}

const key = (partition: number, offset: bigint): string => `${partition}@${offset}`

export function checkHistory(h: ChaosHistory): ChaosCounts {
  const counts: ChaosCounts = {
    acknowledged: h.acks.length,
    read: 0,
    lostWrites: 0,
    duplicates: 0,
    inconsistentOffsets: 0,
    nonMonotonicReads: 0,
    committedOffsetsBackwards: 0,
  }
  // Offset -> value across every read; a second, different value makes the offset inconsistent.
  const atOffset = new Map<string, string>()
  const inconsistent = new Set<string>()
  const see = (partition: number, offset: bigint, value: string): void => {
    const k = key(partition, offset)
    const prev = atOffset.get(k)
    if (prev === undefined) atOffset.set(k, value)
    else if (prev !== value) inconsistent.add(k)
  }
  for (const scan of h.scans) {
    const last = new Map<number, bigint>()
    for (const r of scan) {
      const prev = last.get(r.partition)
      if (prev !== undefined && r.offset <= prev) counts.nonMonotonicReads++
      last.set(r.partition, r.offset)
      see(r.partition, r.offset, r.value)
    }
  }
  for (const r of h.consumed) see(r.partition, r.offset, r.value)
  for (const a of h.acks) see(a.partition, a.offset, a.value)
  counts.inconsistentOffsets = inconsistent.size

  const final = h.scans[h.scans.length - 1] ?? []
  counts.read = final.length
  const present = new Set(final.map((r) => r.value))
  for (const a of h.acks) if (!present.has(a.value)) counts.lostWrites++

  // Duplicates: a value (or an idempotent producer's sequence) stored at more than one offset.
  const byValue = new Map<string, number>()
  const bySequence = new Map<string, number>()
  for (const r of final) {
    byValue.set(r.value, (byValue.get(r.value) ?? 0) + 1)
    if (r.producerId >= 0n) {
      const s = `${r.partition}/${r.producerId}/${r.sequence}`
      bySequence.set(s, (bySequence.get(s) ?? 0) + 1)
    }
  }
  let dupValues = 0
  for (const n of byValue.values()) if (n > 1) dupValues += n - 1
  let dupSequences = 0
  for (const n of bySequence.values()) if (n > 1) dupSequences += n - 1
  counts.duplicates = Math.max(dupValues, dupSequences)

  for (const s of h.sessions) {
    for (let i = 1; i < s.offsets.length; i++) {
      if ((s.offsets[i] as bigint) <= (s.offsets[i - 1] as bigint)) counts.nonMonotonicReads++
    }
  }

  const highest = new Map<number, bigint>()
  for (const c of h.commits) {
    const prev = highest.get(c.partition)
    if (prev !== undefined && c.offset < prev) counts.committedOffsetsBackwards++
    if (prev === undefined || c.offset > prev) highest.set(c.partition, c.offset)
  }
  return counts
}

/** True when every anomaly count is zero. */
export function isClean(c: ChaosCounts): boolean {
  return (
    c.lostWrites === 0 &&
    c.duplicates === 0 &&
    c.inconsistentOffsets === 0 &&
    c.nonMonotonicReads === 0 &&
    c.committedOffsetsBackwards === 0
  )
}
