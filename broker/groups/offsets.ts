// Committed offsets of classic groups: OffsetCommit (generation checks, simple commits from non-members),
// OffsetFetch, OffsetDelete and offset retention, as Kafka's GroupCoordinator and GroupMetadataManager do it.
// In-memory offsets change only after their record is durable in __consumer_offsets.
import type { Clock } from './clock.ts'
import type { CoordinatorRecord, GroupLog, OffsetValue, TxnProducer } from './coordinator-records.ts'
import { subscribedTopics } from './consumer-subscription.ts'
import { ErrorCode as E } from '../protocol/errors.ts'
import { ClassicGroup } from './group.ts'
import type { GroupConfig } from './group-config.ts'
import { logErrorCode, type Membership } from './membership.ts'

export interface CommitRequest {
  groupId: string
  /** -1 for a commit from outside group management (v0, admin tools). */
  generationId: number
  memberId: string
  groupInstanceId: string | null
  /** OffsetCommit v2-v4 retention; -1 for the broker's. */
  retentionTimeMs: number
  topics: {
    name: string
    partitions: { partitionIndex: number; offset: bigint; leaderEpoch: number; metadata: string | null }[]
  }[]
}

/** TxnOffsetCommit: offsets that take effect only when the producer's transaction commits. */
export interface TxnCommitRequest extends Omit<CommitRequest, 'retentionTimeMs'>, TxnProducer {}

export interface PartitionError {
  partitionIndex: number
  errorCode: number
}

export interface TopicErrors {
  name: string
  partitions: PartitionError[]
}

export interface FetchedPartition {
  partitionIndex: number
  offset: bigint
  leaderEpoch: number
  metadata: string
  errorCode: number
}

export interface FetchResult {
  errorCode: number
  topics: { name: string; partitions: FetchedPartition[] }[]
}

export interface DeleteOffsetsResult {
  errorCode: number
  topics: TopicErrors[]
}

export interface OffsetsContext {
  clock: Clock
  log: GroupLog
  config: GroupConfig
  groups: Map<string, ClassicGroup>
  membership: Membership
}

export function allPartitions(
  topics: { name: string; partitions: { partitionIndex: number }[] }[],
  errorCode: number,
): TopicErrors[] {
  return topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode })),
  }))
}

export class Offsets {
  readonly #ctx: OffsetsContext

  constructor(ctx: OffsetsContext) {
    this.#ctx = ctx
  }

  async commit(req: CommitRequest): Promise<TopicErrors[]> {
    const { groups, clock } = this.#ctx
    let group = groups.get(req.groupId)
    if (!group) {
      // A group that does not use Kafka's group management may still store offsets.
      if (req.generationId >= 0) return allPartitions(req.topics, E.ILLEGAL_GENERATION)
      group = new ClassicGroup(req.groupId, 'Empty', clock.now())
      groups.set(req.groupId, group)
    }
    const code = this.#commitCheck(group, req)
    if (code !== E.NONE) return allPartitions(req.topics, code)
    return this.#store(group, req)
  }

  #commitCheck(group: ClassicGroup, req: CommitRequest): number {
    if (group.is('Dead')) return E.COORDINATOR_NOT_AVAILABLE
    if (req.groupInstanceId !== null) {
      const current = group.staticMembers.get(req.groupInstanceId)
      if (current !== undefined && current !== req.memberId) return E.FENCED_INSTANCE_ID
    }
    if (req.generationId < 0 && group.is('Empty')) return E.NONE
    const member = group.members.get(req.memberId)
    // Kafka's answer to an admin reset of an active group: its members own the offsets.
    if (!member) return E.UNKNOWN_MEMBER_ID
    if (req.generationId !== group.generationId) return E.ILLEGAL_GENERATION
    switch (group.state) {
      case 'Stable':
      case 'PreparingRebalance':
        this.#ctx.membership.touch(group, member)
        return E.NONE
      case 'CompletingRebalance':
        return E.REBALANCE_IN_PROGRESS
      case 'Empty':
        return E.NONE
      case 'Dead':
        return E.COORDINATOR_NOT_AVAILABLE
    }
  }

  /**
   * TxnOffsetCommit: Kafka's checks are looser than OffsetCommit's (a member id or generation the client
   * does not know may be left out), and the offsets stay pending until completeTransaction.
   */
  async txnCommit(req: TxnCommitRequest): Promise<TopicErrors[]> {
    const { groups, clock } = this.#ctx
    let group = groups.get(req.groupId)
    if (!group) {
      group = new ClassicGroup(req.groupId, 'Empty', clock.now())
      groups.set(req.groupId, group)
    }
    let code: number = E.NONE
    if (group.is('Dead')) code = E.COORDINATOR_NOT_AVAILABLE
    else if (
      req.groupInstanceId !== null &&
      (group.staticMembers.get(req.groupInstanceId) ?? req.memberId) !== req.memberId
    )
      code = E.FENCED_INSTANCE_ID
    else if (req.memberId !== '' && !group.members.has(req.memberId)) code = E.UNKNOWN_MEMBER_ID
    else if (req.generationId >= 0 && req.generationId !== group.generationId) code = E.ILLEGAL_GENERATION
    if (code !== E.NONE) return allPartitions(req.topics, code)
    return this.#store(
      group,
      { ...req, retentionTimeMs: -1 },
      { producerId: req.producerId, producerEpoch: req.producerEpoch },
    )
  }

  /** Applies (commit) or drops (abort) a producer's pending offsets once its marker is written. */
  completeTransaction(groupId: string, producerId: bigint, commit: boolean): void {
    const group = this.#ctx.groups.get(groupId)
    const pending = group?.pendingTxnOffsets.get(producerId)
    if (!group || !pending) return
    group.pendingTxnOffsets.delete(producerId)
    if (!commit) return
    for (const [topic, parts] of pending) for (const [idx, v] of parts) setOffset(group, topic, idx, v)
  }

  /** Offsets of a transaction still open when __consumer_offsets was replayed. */
  restorePending(producerId: bigint, records: CoordinatorRecord[]): void {
    for (const r of records) {
      if (r.kind !== 'offset' || r.value === null) continue
      let group = this.#ctx.groups.get(r.group)
      if (!group) {
        group = new ClassicGroup(r.group, 'Empty', this.#ctx.clock.now())
        this.#ctx.groups.set(r.group, group)
      }
      setPending(group, producerId, r.topic, r.partition, r.value)
    }
  }

  async #store(group: ClassicGroup, req: CommitRequest, txn?: TxnProducer): Promise<TopicErrors[]> {
    const now = this.#ctx.clock.now()
    const maxBytes = this.#ctx.config.offsetMetadataMaxBytes
    const records: CoordinatorRecord[] = []
    const result: TopicErrors[] = []
    for (const t of req.topics) {
      const partitions: PartitionError[] = []
      for (const p of t.partitions) {
        const metadata = p.metadata ?? ''
        if (Buffer.byteLength(metadata, 'utf8') > maxBytes) {
          partitions.push({ partitionIndex: p.partitionIndex, errorCode: E.OFFSET_METADATA_TOO_LARGE })
          continue
        }
        const value: OffsetValue = {
          offset: p.offset,
          leaderEpoch: p.leaderEpoch,
          metadata,
          commitTimestamp: now,
          expireTimestamp: req.retentionTimeMs >= 0 ? now + req.retentionTimeMs : null,
        }
        records.push({
          kind: 'offset',
          group: group.groupId,
          topic: t.name,
          partition: p.partitionIndex,
          value,
        })
        partitions.push({ partitionIndex: p.partitionIndex, errorCode: E.NONE })
      }
      result.push({ name: t.name, partitions })
    }
    if (records.length === 0) return result
    try {
      await this.#ctx.log.append(group.groupId, records, txn)
    } catch (err) {
      const code = logErrorCode(err)
      for (const t of result) for (const p of t.partitions) if (p.errorCode === E.NONE) p.errorCode = code
      return result
    }
    for (const r of records) {
      if (r.kind !== 'offset' || !r.value) continue
      if (txn) setPending(group, txn.producerId, r.topic, r.partition, r.value)
      else setOffset(group, r.topic, r.partition, r.value)
    }
    return result
  }

  /**
   * Offsets of the group; `topics` null means every partition with a committed offset. With requireStable,
   * partitions with an offset commit in an open transaction answer UNSTABLE_OFFSET_COMMIT.
   */
  fetch(
    groupId: string,
    topics: { name: string; partitions: number[] }[] | null,
    requireStable = false,
  ): FetchResult {
    const group = this.#ctx.groups.get(groupId)
    const one = (topic: string, idx: number, v: OffsetValue | undefined): FetchedPartition =>
      requireStable && group?.hasPendingTxnOffset(topic, idx)
        ? {
            partitionIndex: idx,
            offset: -1n,
            leaderEpoch: -1,
            metadata: '',
            errorCode: E.UNSTABLE_OFFSET_COMMIT,
          }
        : fetched(idx, v)
    if (topics === null) {
      const all: FetchResult['topics'] = []
      for (const [name, parts] of group?.offsets ?? []) {
        all.push({ name, partitions: [...parts].map(([idx, v]) => one(name, idx, v)) })
      }
      return { errorCode: E.NONE, topics: all }
    }
    return {
      errorCode: E.NONE,
      topics: topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((idx) => one(t.name, idx, group?.offsets.get(t.name)?.get(idx))),
      })),
    }
  }

  async delete(
    groupId: string,
    topics: { name: string; partitions: number[] }[],
  ): Promise<DeleteOffsetsResult> {
    const group = this.#ctx.groups.get(groupId)
    if (!group || group.is('Dead')) return { errorCode: E.GROUP_ID_NOT_FOUND, topics: [] }
    let subscribed: Set<string> | null = null
    if (!group.is('Empty')) {
      if (group.protocolType !== 'consumer') return { errorCode: E.NON_EMPTY_GROUP, topics: [] }
      subscribed = group.subscribedTopics(subscribedTopics)
    }
    const records: CoordinatorRecord[] = []
    const result: TopicErrors[] = topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((idx) => {
        if (subscribed?.has(t.name)) return { partitionIndex: idx, errorCode: E.GROUP_SUBSCRIBED_TO_TOPIC }
        if (group.offsets.get(t.name)?.has(idx))
          records.push({ kind: 'offset', group: groupId, topic: t.name, partition: idx, value: null })
        return { partitionIndex: idx, errorCode: E.NONE }
      }),
    }))
    if (records.length > 0) {
      try {
        await this.#ctx.log.append(groupId, records)
      } catch (err) {
        return { errorCode: logErrorCode(err), topics: [] }
      }
      for (const r of records) if (r.kind === 'offset') removeOffset(group, r.topic, r.partition)
    }
    return { errorCode: E.NONE, topics: result }
  }

  /** A topic was deleted: its committed offsets go from every group (tombstones), as Kafka does. */
  async removeTopics(topics: ReadonlySet<string>): Promise<void> {
    for (const group of [...this.#ctx.groups.values()]) {
      const records: CoordinatorRecord[] = []
      for (const [topic, parts] of group.offsets) {
        if (!topics.has(topic)) continue
        for (const partition of parts.keys())
          records.push({ kind: 'offset', group: group.groupId, topic, partition, value: null })
      }
      for (const byTopic of group.pendingTxnOffsets.values()) for (const t of topics) byTopic.delete(t)
      if (records.length === 0) continue
      for (const t of topics) group.offsets.delete(t)
      await this.#ctx.log.append(group.groupId, records)
    }
  }

  /**
   * Kafka's offset retention: an empty group's offsets expire offsets.retention.minutes after it became
   * empty; a stable consumer group's offsets of topics it no longer subscribes to, and a simple group's
   * offsets, that long after their commit. An empty group left without offsets is removed.
   */
  async expire(): Promise<void> {
    const now = this.#ctx.clock.now()
    const retention = this.#ctx.config.offsetsRetentionMs
    for (const group of [...this.#ctx.groups.values()]) {
      let base: ((v: OffsetValue) => number) | null = null
      let keep: Set<string> | null = null
      if (group.protocolType === null) base = (v) => v.commitTimestamp
      else if (group.is('Empty')) base = () => group.currentStateTimestamp
      else if (group.protocolType === 'consumer' && group.is('Stable')) {
        keep = group.subscribedTopics(subscribedTopics)
        if (keep !== null) base = (v) => v.commitTimestamp
      }
      const records: CoordinatorRecord[] = []
      if (base !== null) {
        for (const [topic, parts] of group.offsets) {
          if (keep?.has(topic)) continue
          for (const [idx, v] of parts) {
            if (group.hasPendingTxnOffset(topic, idx)) continue
            const expired = v.expireTimestamp !== null ? now >= v.expireTimestamp : now - base(v) >= retention
            if (expired)
              records.push({ kind: 'offset', group: group.groupId, topic, partition: idx, value: null })
          }
        }
      }
      for (const r of records) if (r.kind === 'offset') removeOffset(group, r.topic, r.partition)
      const dead =
        group.is('Empty') &&
        !group.hasOffsets() &&
        group.pendingMembers.size === 0 &&
        group.pendingTxnOffsets.size === 0
      if (dead) {
        group.transitionTo('Dead', now)
        this.#ctx.groups.delete(group.groupId)
        records.push({ kind: 'group', group: group.groupId, value: null })
      }
      if (records.length > 0) await this.#ctx.log.append(group.groupId, records)
    }
  }
}

function fetched(partitionIndex: number, v: OffsetValue | undefined): FetchedPartition {
  if (!v) return { partitionIndex, offset: -1n, leaderEpoch: -1, metadata: '', errorCode: E.NONE }
  return {
    partitionIndex,
    offset: v.offset,
    leaderEpoch: v.leaderEpoch,
    metadata: v.metadata,
    errorCode: E.NONE,
  }
}

export function setOffset(group: ClassicGroup, topic: string, partition: number, value: OffsetValue): void {
  let parts = group.offsets.get(topic)
  if (!parts) {
    parts = new Map()
    group.offsets.set(topic, parts)
  }
  parts.set(partition, value)
}

function setPending(
  group: ClassicGroup,
  producerId: bigint,
  topic: string,
  partition: number,
  value: OffsetValue,
): void {
  let byTopic = group.pendingTxnOffsets.get(producerId)
  if (!byTopic) {
    byTopic = new Map()
    group.pendingTxnOffsets.set(producerId, byTopic)
  }
  let parts = byTopic.get(topic)
  if (!parts) {
    parts = new Map()
    byTopic.set(topic, parts)
  }
  parts.set(partition, value)
}

export function removeOffset(group: ClassicGroup, topic: string, partition: number): void {
  const parts = group.offsets.get(topic)
  if (!parts) return
  parts.delete(partition)
  if (parts.size === 0) group.offsets.delete(topic)
}
