// Incremental fetch sessions (KIP-227). A consumer that opens a session sends its full partition list
// once; later requests carry only partitions whose fetch position changed (plus forgotten ones), and the
// broker answers only partitions with something new: records, an error, or a moved high watermark, last
// stable offset or log start offset.
//
// Request (sessionId, epoch):  (0, -1) sessionless full fetch; (0, 0) full fetch opening a session;
// (id, -1) closes the session, then a sessionless full fetch; (id, 0) closes it and opens a new one;
// (id, n > 0) incremental fetch of session id at epoch n.

export const INVALID_SESSION_ID = 0
export const INITIAL_EPOCH = 0
export const FINAL_EPOCH = -1

export interface FetchSessionOptions {
  /** max.incremental.fetch.session.cache.slots */
  maxSessions: number
  /** Idle time after which a session may be evicted to make room for a new one. */
  evictionMs: number
  now?: () => number
}

export const DEFAULT_FETCH_SESSION_OPTIONS: FetchSessionOptions = { maxSessions: 1000, evictionMs: 120_000 }

/** One partition as a fetch request names it; `topicKey` is the topic name (v<13) or topic id (v13+). */
export interface RequestedPartition {
  topicKey: string
  partition: number
  fetchOffset: bigint
  partitionMaxBytes: number
  currentLeaderEpoch: number
}

/** A partition the session remembers: what was asked for and what was last sent back. */
export interface SessionPartition extends RequestedPartition {
  highWatermark: bigint
  lastStableOffset: bigint
  logStartOffset: bigint
}

/** The parts of a partition's answer that decide whether an incremental response must include it. */
export interface PartitionOutcome {
  errorCode: number
  recordBytes: number
  highWatermark: bigint
  lastStableOffset: bigint
  logStartOffset: bigint
}

export interface ForgottenTopic {
  topicKey: string
  partitions: readonly number[]
}

export type FetchContext =
  | { kind: 'error'; errorCode: 'FETCH_SESSION_ID_NOT_FOUND' | 'INVALID_FETCH_SESSION_EPOCH' }
  | { kind: 'full'; sessionId: number; partitions: RequestedPartition[]; session: FetchSession | undefined }
  | { kind: 'incremental'; sessionId: number; partitions: SessionPartition[]; session: FetchSession }

export function partitionKey(topicKey: string, partition: number): string {
  return `${topicKey}\u0000${partition}`
}

export class FetchSession {
  readonly id: number
  epoch: number
  lastUsedMs: number
  /** Insertion order is fetch order; partitions that returned data move to the back, for fairness. */
  readonly partitions = new Map<string, SessionPartition>()

  constructor(id: number, nowMs: number) {
    this.id = id
    this.epoch = INITIAL_EPOCH + 1
    this.lastUsedMs = nowMs
  }

  /** Decides whether the partition goes into the response and remembers what was sent. */
  update(p: RequestedPartition, outcome: PartitionOutcome, incremental: boolean): boolean {
    const key = partitionKey(p.topicKey, p.partition)
    const cached = this.partitions.get(key)
    if (cached === undefined) return true
    let changed =
      outcome.errorCode !== 0 ||
      outcome.recordBytes > 0 ||
      cached.highWatermark !== outcome.highWatermark ||
      cached.lastStableOffset !== outcome.lastStableOffset ||
      cached.logStartOffset !== outcome.logStartOffset
    cached.highWatermark = outcome.highWatermark
    cached.lastStableOffset = outcome.lastStableOffset
    cached.logStartOffset = outcome.logStartOffset
    if (outcome.recordBytes > 0) {
      this.partitions.delete(key)
      this.partitions.set(key, cached)
    }
    if (!incremental) changed = true
    return changed
  }
}

export class FetchSessionCache {
  private readonly sessions = new Map<number, FetchSession>()
  private readonly options: FetchSessionOptions
  private readonly now: () => number

  constructor(options: FetchSessionOptions = DEFAULT_FETCH_SESSION_OPTIONS) {
    this.options = options
    this.now = options.now ?? Date.now
  }

  get size(): number {
    return this.sessions.size
  }

  get(id: number): FetchSession | undefined {
    return this.sessions.get(id)
  }

  /** Drops a session (a throttled full fetch closes the one it opened: the client opens another). */
  remove(id: number): void {
    this.sessions.delete(id)
  }

  /** Resolves the session a fetch request names and the partitions it fetches. */
  newContext(
    sessionId: number,
    epoch: number,
    requested: readonly RequestedPartition[],
    forgotten: readonly ForgottenTopic[],
  ): FetchContext {
    const now = this.now()
    if (epoch === INITIAL_EPOCH || epoch === FINAL_EPOCH) {
      if (sessionId !== INVALID_SESSION_ID) this.sessions.delete(sessionId)
      const session = epoch === INITIAL_EPOCH ? this.create(requested, now) : undefined
      return {
        kind: 'full',
        sessionId: session?.id ?? INVALID_SESSION_ID,
        partitions: [...requested],
        session,
      }
    }
    const session = this.sessions.get(sessionId)
    if (session === undefined) return { kind: 'error', errorCode: 'FETCH_SESSION_ID_NOT_FOUND' }
    if (session.epoch !== epoch) return { kind: 'error', errorCode: 'INVALID_FETCH_SESSION_EPOCH' }
    for (const t of forgotten) {
      for (const p of t.partitions) session.partitions.delete(partitionKey(t.topicKey, p))
    }
    for (const p of requested) {
      const key = partitionKey(p.topicKey, p.partition)
      const cached = session.partitions.get(key)
      if (cached === undefined) session.partitions.set(key, newSessionPartition(p))
      else Object.assign(cached, p)
    }
    session.epoch = nextEpoch(session.epoch)
    session.lastUsedMs = now
    // Touch: most recently used sessions live at the back of the map.
    this.sessions.delete(session.id)
    this.sessions.set(session.id, session)
    return {
      kind: 'incremental',
      sessionId: session.id,
      partitions: [...session.partitions.values()],
      session,
    }
  }

  private create(requested: readonly RequestedPartition[], now: number): FetchSession | undefined {
    if (this.sessions.size >= this.options.maxSessions && !this.evictOne(now)) return undefined
    const session = new FetchSession(this.newId(), now)
    for (const p of requested)
      session.partitions.set(partitionKey(p.topicKey, p.partition), newSessionPartition(p))
    this.sessions.set(session.id, session)
    return session
  }

  /** Evicts the least recently used session if it has been idle long enough. */
  private evictOne(now: number): boolean {
    const oldest = this.sessions.values().next().value
    if (oldest === undefined || now - oldest.lastUsedMs < this.options.evictionMs) return false
    this.sessions.delete(oldest.id)
    return true
  }

  private newId(): number {
    for (;;) {
      const id = 1 + Math.floor(Math.random() * 0x7ffffffe)
      if (!this.sessions.has(id)) return id
    }
  }
}

function newSessionPartition(p: RequestedPartition): SessionPartition {
  return { ...p, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n }
}

function nextEpoch(epoch: number): number {
  return epoch >= 0x7fffffff ? 1 : epoch + 1
}
