// The transaction coordinator: one state machine per transactional id (Kafka's TransactionCoordinator for a
// single node). InitProducerId bumps the epoch and fences zombies, AddPartitionsToTxn/AddOffsetsToTxn open
// the transaction, EndTxn writes PrepareCommit/PrepareAbort durably, then the markers to every partition,
// then CompleteCommit/CompleteAbort. A timer aborts transactions past their timeout (with a bumped epoch, so
// the late producer is fenced) and forgets idle transactional ids.
//
// Guard against a delayed EndTxn of an older transaction: the request's producer id and epoch must match,
// and EndTxn in a state other than Ongoing only succeeds as the retry of the same decision.
// Work on one transactional id runs one request at a time; different ids run concurrently.
import { ErrorCode as E } from '../protocol/errors.ts'
import type { Marker } from './markers.ts'
import {
  isPrepare,
  MAX_PRODUCER_EPOCH,
  partitionList,
  type TxnMetadata,
  type TxnState,
} from './txn-metadata.ts'

export interface TxnCoordinatorDeps {
  allocateProducerId(): Promise<bigint>
  /** Writes a marker to one partition (resolves once appended). */
  writeMarker(topic: string, partition: number, marker: Marker): Promise<void>
  /** Pending transactional offsets of `groupId` take effect (commit) or vanish (abort). */
  completeGroupTxn(groupId: string, producerId: bigint, commit: boolean): void
  /** The __consumer_offsets partition of a group, or null when that topic does not exist yet. */
  offsetsPartitionOf(groupId: string): { topic: string; partition: number } | null
  /**
   * Groups whose offsets live on topic-partition (a __consumer_offsets partition; else none). Completing a
   * transaction restored after a restart completes them all, as the groups it touched are not stored.
   */
  groupsOfPartition(topic: string, partition: number): string[]
  partitionExists(topic: string, partition: number): boolean
  /** Makes the metadata durable (a __transaction_state record); null value = tombstone (id expired). */
  persist(transactionalId: string, meta: TxnMetadata | null): Promise<void>
  maxTimeoutMs(): number
  idExpirationMs(): number
  now(): number
  warn(message: string, fields: Record<string, unknown>): void
}

export interface InitResult {
  errorCode: number
  producerId: bigint
  producerEpoch: number
}

export interface TxnPartitionRequest {
  transactionalId: string
  producerId: bigint
  producerEpoch: number
  topics: { name: string; partitions: number[] }[]
}

export interface PartitionResults {
  name: string
  results: { partitionIndex: number; errorCode: number }[]
}

const NO_PRODUCER_ID = -1n

export class TransactionCoordinator {
  readonly #txns = new Map<string, TxnMetadata>()
  readonly #locks = new Map<string, Promise<unknown>>()
  readonly #deps: TxnCoordinatorDeps
  #timer: NodeJS.Timeout | undefined
  #stopped = false
  /** False until __transaction_state is read back; handlers answer COORDINATOR_LOAD_IN_PROGRESS. */
  loaded = false

  constructor(deps: TxnCoordinatorDeps) {
    this.#deps = deps
  }

  get(transactionalId: string): TxnMetadata | undefined {
    return this.#txns.get(transactionalId)
  }

  all(): IterableIterator<TxnMetadata> {
    return this.#txns.values()
  }

  /** Startup: state read back from __transaction_state (latest value per id). */
  restore(meta: TxnMetadata): void {
    this.#txns.set(meta.transactionalId, meta)
  }

  /** Startup: finishes every transaction left between prepare and complete by a crash. */
  async completePending(): Promise<void> {
    await Promise.all(
      [...this.#txns.values()]
        .filter((m) => isPrepare(m.state))
        .map((m) => this.#locked(m.transactionalId, () => this.#complete(m))),
    )
  }

  /** Starts the timer that aborts timed-out transactions and expires idle ids. */
  start(intervalMs: number): void {
    if (this.#stopped) return
    this.#timer = setInterval(() => void this.sweep(), intervalMs)
    this.#timer.unref()
  }

  stop(): void {
    this.#stopped = true
    if (this.#timer) clearInterval(this.#timer)
    this.#timer = undefined
  }

  async initProducerId(
    transactionalId: string,
    timeoutMs: number,
    producerId: bigint,
    producerEpoch: number,
  ): Promise<InitResult> {
    const fail = (errorCode: number): InitResult => ({ errorCode, producerId: -1n, producerEpoch: -1 })
    if (timeoutMs <= 0 || timeoutMs > this.#deps.maxTimeoutMs()) return fail(E.INVALID_TRANSACTION_TIMEOUT)
    return this.#locked(transactionalId, async (): Promise<InitResult> => {
      const now = this.#deps.now()
      let meta = this.#txns.get(transactionalId)
      if (meta === undefined) {
        meta = {
          transactionalId,
          producerId: await this.#deps.allocateProducerId(),
          previousProducerId: NO_PRODUCER_ID,
          producerEpoch: -1,
          timeoutMs,
          state: 'Empty',
          partitions: new Map(),
          groups: new Set(),
          txnStartMs: -1,
          lastUpdateMs: now,
        }
      } else {
        // KIP-360: a producer that names its id and epoch must be the current one (or it is a zombie).
        if (
          producerId !== NO_PRODUCER_ID &&
          (producerId !== meta.producerId || producerEpoch !== meta.producerEpoch)
        )
          return fail(E.PRODUCER_FENCED)
        if (isPrepare(meta.state)) await this.#complete(meta)
        if (isPrepare(meta.state)) return fail(E.CONCURRENT_TRANSACTIONS)
        // A new producer instance: the open transaction of the old one is aborted, fencing it.
        if (meta.state === 'Ongoing') await this.#abortFenced(meta)
        if (isPrepare(meta.state)) return fail(E.CONCURRENT_TRANSACTIONS)
      }
      const next = { ...meta, partitions: new Map<string, Set<number>>(), groups: new Set<string>() }
      if (meta.producerEpoch >= MAX_PRODUCER_EPOCH) {
        next.previousProducerId = meta.producerId
        next.producerId = await this.#deps.allocateProducerId()
        next.producerEpoch = 0
      } else {
        next.producerEpoch = meta.producerEpoch + 1
      }
      next.timeoutMs = timeoutMs
      next.state = 'Empty'
      next.txnStartMs = -1
      next.lastUpdateMs = now
      await this.#deps.persist(transactionalId, next)
      this.#txns.set(transactionalId, next)
      return { errorCode: E.NONE, producerId: next.producerId, producerEpoch: next.producerEpoch }
    })
  }

  /** AddPartitionsToTxn: every partition gets the same error, or NONE once durable. */
  addPartitions(req: TxnPartitionRequest, verifyOnly = false): Promise<PartitionResults[]> {
    const all = (code: number): PartitionResults[] =>
      req.topics.map((t) => ({
        name: t.name,
        results: t.partitions.map((p) => ({ partitionIndex: p, errorCode: code })),
      }))
    return this.#locked(req.transactionalId, async () => {
      const meta = this.#txns.get(req.transactionalId)
      const check = this.#checkProducer(meta, req.producerId, req.producerEpoch)
      if (check !== E.NONE || meta === undefined) return all(check)
      if (verifyOnly) {
        return req.topics.map((t) => ({
          name: t.name,
          results: t.partitions.map((p) => ({
            partitionIndex: p,
            errorCode:
              meta.state === 'Ongoing' && meta.partitions.get(t.name)?.has(p) === true
                ? E.NONE
                : E.INVALID_TXN_STATE,
          })),
        }))
      }
      const unknown = req.topics.some((t) => t.partitions.some((p) => !this.#deps.partitionExists(t.name, p)))
      if (unknown) {
        return req.topics.map((t) => ({
          name: t.name,
          results: t.partitions.map((p) => ({
            partitionIndex: p,
            errorCode: this.#deps.partitionExists(t.name, p)
              ? E.OPERATION_NOT_ATTEMPTED
              : E.UNKNOWN_TOPIC_OR_PARTITION,
          })),
        }))
      }
      const state = this.#openable(meta)
      if (state !== E.NONE) return all(state)
      await this.#add(meta, req.topics, null)
      return all(E.NONE)
    })
  }

  /** AddOffsetsToTxn: the group's __consumer_offsets partition joins the transaction. */
  addOffsets(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    groupId: string,
  ): Promise<number> {
    return this.#locked(transactionalId, async () => {
      const meta = this.#txns.get(transactionalId)
      const check = this.#checkProducer(meta, producerId, producerEpoch)
      if (check !== E.NONE || meta === undefined) return check
      const state = this.#openable(meta)
      if (state !== E.NONE) return state
      const offsets = this.#deps.offsetsPartitionOf(groupId)
      if (offsets === null) return E.COORDINATOR_NOT_AVAILABLE
      await this.#add(meta, [{ name: offsets.topic, partitions: [offsets.partition] }], groupId)
      return E.NONE
    })
  }

  /**
   * Produce's guard against hanging transactions: may the first transactional batch of `producerId` at
   * `epoch` open a transaction on topic-partition? Only while its transaction is Ongoing with that
   * partition added (a delayed produce after the transaction ended would otherwise leave it open forever).
   * True while the coordinator is still loading (nothing to check against yet).
   */
  mayOpenOnPartition(producerId: bigint, epoch: number, topic: string, partition: number): boolean {
    if (!this.loaded) return true
    for (const meta of this.#txns.values()) {
      if (meta.producerId !== producerId) continue
      return (
        meta.producerEpoch === epoch &&
        meta.state === 'Ongoing' &&
        meta.partitions.get(topic)?.has(partition) === true
      )
    }
    return false
  }

  /** TxnOffsetCommit's check: the producer must be current and its transaction must hold the group. */
  checkOffsetCommit(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    groupId: string,
  ): number {
    const meta = this.#txns.get(transactionalId)
    const check = this.#checkProducer(meta, producerId, producerEpoch)
    if (check !== E.NONE || meta === undefined) return check
    if (meta.state !== 'Ongoing' || !meta.groups.has(groupId)) return E.INVALID_TXN_STATE
    return E.NONE
  }

  /** EndTxn: commit or abort the open transaction; a retry of the same decision answers NONE. */
  endTxn(
    transactionalId: string,
    producerId: bigint,
    producerEpoch: number,
    commit: boolean,
  ): Promise<number> {
    return this.#locked(transactionalId, async () => {
      const meta = this.#txns.get(transactionalId)
      const check = this.#checkProducer(meta, producerId, producerEpoch)
      if (check !== E.NONE || meta === undefined) return check
      switch (meta.state) {
        case 'Ongoing':
          break
        case 'CompleteCommit':
          return commit ? E.NONE : E.INVALID_TXN_STATE
        case 'CompleteAbort':
          return commit ? E.INVALID_TXN_STATE : E.NONE
        case 'PrepareCommit':
        case 'PrepareAbort':
        case 'PrepareEpochFence':
          await this.#complete(meta)
          return isPrepare(meta.state) ? E.CONCURRENT_TRANSACTIONS : E.INVALID_TXN_STATE
        default:
          return E.INVALID_TXN_STATE
      }
      await this.#prepare(meta, commit ? 'PrepareCommit' : 'PrepareAbort', meta.producerEpoch)
      await this.#complete(meta)
      return E.NONE
    })
  }

  /** One pass of the timer: abort transactions past their timeout, forget ids idle past expiration. */
  async sweep(): Promise<void> {
    const now = this.#deps.now()
    const expiration = this.#deps.idExpirationMs()
    for (const meta of [...this.#txns.values()]) {
      try {
        if (meta.state === 'Ongoing' && meta.txnStartMs >= 0 && now - meta.txnStartMs > meta.timeoutMs) {
          await this.#locked(meta.transactionalId, async () => {
            const current = this.#txns.get(meta.transactionalId)
            if (current?.state === 'Ongoing') await this.#abortFenced(current)
          })
        } else if (isPrepare(meta.state)) {
          await this.#locked(meta.transactionalId, () => this.#complete(meta))
        } else if (
          (meta.state === 'Empty' || meta.state === 'CompleteCommit' || meta.state === 'CompleteAbort') &&
          now - meta.lastUpdateMs > expiration
        ) {
          await this.#locked(meta.transactionalId, async () => {
            if (this.#txns.get(meta.transactionalId) !== meta) return
            await this.#deps.persist(meta.transactionalId, null)
            this.#txns.delete(meta.transactionalId)
          })
        }
      } catch (err) {
        this.#deps.warn('transaction sweep failed', {
          transactionalId: meta.transactionalId,
          err: (err as Error).message,
        })
      }
    }
  }

  #checkProducer(meta: TxnMetadata | undefined, producerId: bigint, producerEpoch: number): number {
    if (meta === undefined || meta.state === 'Dead') return E.INVALID_PRODUCER_ID_MAPPING
    if (producerId !== meta.producerId) return E.INVALID_PRODUCER_ID_MAPPING
    if (producerEpoch !== meta.producerEpoch) return E.PRODUCER_FENCED
    return E.NONE
  }

  /** Whether partitions may join: not while the previous transaction is still being completed. */
  #openable(meta: TxnMetadata): number {
    if (isPrepare(meta.state)) return E.CONCURRENT_TRANSACTIONS
    if (meta.state === 'Dead') return E.INVALID_TXN_STATE
    return E.NONE
  }

  async #add(
    meta: TxnMetadata,
    topics: { name: string; partitions: number[] }[],
    groupId: string | null,
  ): Promise<void> {
    const fresh = meta.state !== 'Ongoing'
    let added = fresh
    const partitions = new Map(fresh ? [] : [...meta.partitions].map(([t, s]) => [t, new Set(s)] as const))
    for (const t of topics) {
      let set = partitions.get(t.name)
      if (set === undefined) partitions.set(t.name, (set = new Set()))
      for (const p of t.partitions) {
        if (!set.has(p)) added = true
        set.add(p)
      }
    }
    const groups = new Set(fresh ? [] : meta.groups)
    if (groupId !== null) groups.add(groupId)
    if (!added && groups.size === meta.groups.size) return
    const now = this.#deps.now()
    const next: TxnMetadata = {
      ...meta,
      state: 'Ongoing',
      partitions,
      groups,
      txnStartMs: fresh ? now : meta.txnStartMs,
      lastUpdateMs: now,
    }
    await this.#deps.persist(meta.transactionalId, next)
    Object.assign(meta, next)
  }

  async #prepare(meta: TxnMetadata, state: TxnState, epoch: number): Promise<void> {
    const next: TxnMetadata = { ...meta, state, producerEpoch: epoch, lastUpdateMs: this.#deps.now() }
    await this.#deps.persist(meta.transactionalId, next)
    Object.assign(meta, next)
  }

  /** Aborts the open transaction with a bumped epoch, so its producer can no longer write or end it. */
  async #abortFenced(meta: TxnMetadata): Promise<void> {
    const epoch = meta.producerEpoch >= MAX_PRODUCER_EPOCH ? meta.producerEpoch : meta.producerEpoch + 1
    await this.#prepare(meta, 'PrepareAbort', epoch)
    await this.#complete(meta)
  }

  /** Writes the markers of a prepared transaction, then its Complete state. Leaves it prepared on failure. */
  async #complete(meta: TxnMetadata): Promise<void> {
    if (!isPrepare(meta.state)) return
    const commit = meta.state === 'PrepareCommit'
    const marker: Marker = {
      producerId: meta.producerId,
      producerEpoch: meta.producerEpoch,
      commit,
      coordinatorEpoch: 0,
    }
    try {
      await Promise.all(
        partitionList(meta).flatMap((t) =>
          t.partitions.map((p) => this.#deps.writeMarker(t.topic, p, marker)),
        ),
      )
    } catch (err) {
      this.#deps.warn('writing transaction markers failed; retried by the sweep', {
        transactionalId: meta.transactionalId,
        err: (err as Error).message,
      })
      return
    }
    const groups = new Set(meta.groups)
    for (const t of partitionList(meta))
      for (const p of t.partitions) for (const g of this.#deps.groupsOfPartition(t.topic, p)) groups.add(g)
    for (const g of groups) this.#deps.completeGroupTxn(g, meta.producerId, commit)
    const next: TxnMetadata = {
      ...meta,
      state: commit ? 'CompleteCommit' : 'CompleteAbort',
      partitions: new Map(),
      groups: new Set(),
      txnStartMs: -1,
      lastUpdateMs: this.#deps.now(),
    }
    await this.#deps.persist(meta.transactionalId, next)
    Object.assign(meta, next)
  }

  #locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.#locks.get(id) ?? Promise.resolve()
    const run = prev.then(fn)
    const tail = run.catch(() => undefined)
    this.#locks.set(id, tail)
    void tail.then(() => {
      if (this.#locks.get(id) === tail) this.#locks.delete(id)
    })
    return run
  }
}
