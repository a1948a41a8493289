// The classic group coordinator of this broker: owns every group (a single node coordinates all
// __consumer_offsets partitions), gates requests until the groups are loaded, and answers the group-level
// admin APIs (ListGroups, DescribeGroups, DeleteGroups). Membership and offsets rules live in
// ./membership.ts and ./offsets.ts.
import type { Clock, Timer } from './clock.ts'
import type { CoordinatorRecord, GroupLog, GroupValue, OffsetValue } from './coordinator-records.ts'
import { ErrorCode as E } from '../protocol/errors.ts'
import { ClassicGroup, Member, type GroupState, type JoinResult, type SyncResult } from './group.ts'
import type { GroupConfig } from './group-config.ts'
import {
  Membership,
  joinError,
  syncError,
  logErrorCode,
  type HeartbeatRequest,
  type JoinRequest,
  type LeaveResult,
  type LeavingMember,
  type SyncRequest,
} from './membership.ts'
import {
  Offsets,
  allPartitions,
  setOffset,
  type CommitRequest,
  type DeleteOffsetsResult,
  type FetchResult,
  type TopicErrors,
  type TxnCommitRequest,
} from './offsets.ts'

export interface ListedGroup {
  groupId: string
  protocolType: string
  groupState: GroupState
  groupType: 'classic'
}

export interface DescribedGroup {
  errorCode: number
  groupId: string
  groupState: GroupState
  protocolType: string
  protocolData: string
  members: {
    memberId: string
    groupInstanceId: string | null
    clientId: string
    clientHost: string
    memberMetadata: Uint8Array
    memberAssignment: Uint8Array
  }[]
}

export interface GroupCoordinatorOptions {
  clock: Clock
  log: GroupLog
  config: GroupConfig
  onBackgroundError?: (err: unknown) => void
}

const EMPTY = new Uint8Array(0)

export class GroupCoordinator {
  readonly groups = new Map<string, ClassicGroup>()
  readonly #clock: Clock
  readonly #log: GroupLog
  readonly #config: GroupConfig
  readonly #membership: Membership
  readonly #offsets: Offsets
  readonly #onBackgroundError: (err: unknown) => void
  #loaded = false
  #stopped = false
  #retentionTimer: Timer | null = null
  // Latest value per key while replaying __consumer_offsets, as compaction would leave them.
  #loadingGroups: Map<string, GroupValue | null> | null = new Map()
  #loadingOffsets: Map<string, Map<string, OffsetValue | null>> | null = new Map()

  constructor(opts: GroupCoordinatorOptions) {
    const onError = opts.onBackgroundError ?? (() => {})
    // A bug in a timer callback must be reported, never take the broker process down.
    this.#clock = {
      now: () => opts.clock.now(),
      schedule: (ms, fn) =>
        opts.clock.schedule(ms, () => {
          try {
            fn()
          } catch (err) {
            onError(err)
          }
        }),
    }
    this.#log = opts.log
    this.#config = opts.config
    this.#onBackgroundError = onError
    const shared = { clock: this.#clock, log: opts.log, config: opts.config, groups: this.groups }
    this.#membership = new Membership({ ...shared, onBackgroundError: this.#onBackgroundError })
    this.#offsets = new Offsets({ ...shared, membership: this.#membership })
  }

  get config(): GroupConfig {
    return this.#config
  }

  /** False until every __consumer_offsets partition has been replayed: requests get COORDINATOR_LOAD_IN_PROGRESS. */
  get loaded(): boolean {
    return this.#loaded
  }

  // ---- loading ----

  /** Applies one record read from __consumer_offsets at startup (later records win, null deletes). */
  replay(record: CoordinatorRecord): void {
    if (!this.#loadingGroups || !this.#loadingOffsets) throw new Error('group coordinator already loaded')
    if (record.kind === 'group') {
      this.#loadingGroups.set(record.group, record.value)
      if (record.value === null) this.#loadingOffsets.delete(record.group)
      return
    }
    let offsets = this.#loadingOffsets.get(record.group)
    if (!offsets) {
      offsets = new Map()
      this.#loadingOffsets.set(record.group, offsets)
    }
    offsets.set(offsetKey(record.topic, record.partition), record.value)
  }

  /** Builds the groups from the replayed records and starts serving. */
  finishLoading(): void {
    const groupValues = this.#loadingGroups
    const offsetValues = this.#loadingOffsets
    if (!groupValues || !offsetValues) return
    this.#loadingGroups = null
    this.#loadingOffsets = null
    const now = this.#clock.now()
    for (const [groupId, value] of groupValues) {
      if (value !== null) this.groups.set(groupId, this.#groupFromValue(groupId, value, now))
    }
    for (const [groupId, offsets] of offsetValues) {
      let group = this.groups.get(groupId)
      for (const [key, value] of offsets) {
        if (value === null) continue
        if (!group) {
          group = new ClassicGroup(groupId, 'Empty', now)
          this.groups.set(groupId, group)
        }
        const { topic, partition } = parseOffsetKey(key)
        setOffset(group, topic, partition, value)
      }
    }
    for (const group of this.groups.values()) this.#membership.startLoadedMembers(group)
    this.#loaded = true
    this.#scheduleRetention()
  }

  #groupFromValue(groupId: string, value: GroupValue, now: number): ClassicGroup {
    const group = new ClassicGroup(groupId, value.members.length > 0 ? 'Stable' : 'Empty', now)
    group.protocolType = value.protocolType === '' ? null : value.protocolType
    group.generationId = value.generation
    group.protocolName = value.protocol
    if (value.currentStateTimestamp >= 0) group.currentStateTimestamp = value.currentStateTimestamp
    for (const m of value.members) {
      const member = new Member({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs < 0 ? m.sessionTimeoutMs : m.rebalanceTimeoutMs,
        sessionTimeoutMs: m.sessionTimeoutMs,
        protocolType: value.protocolType,
        protocols: value.protocol === null ? [] : [{ name: value.protocol, metadata: m.subscription }],
      })
      member.assignment = m.assignment
      group.add(member)
    }
    group.leaderId = value.leader !== null && group.members.has(value.leader) ? value.leader : group.leaderId
    return group
  }

  #scheduleRetention(): void {
    if (this.#stopped) return
    this.#retentionTimer = this.#clock.schedule(this.#config.offsetsRetentionCheckIntervalMs, () => {
      this.expireOffsets()
        .catch((err: unknown) => this.#onBackgroundError(err))
        .finally(() => this.#scheduleRetention())
    })
  }

  /** True once stop() was called (broker shutdown). */
  get stopped(): boolean {
    return this.#stopped
  }

  /** Stops every timer (broker shutdown). Pending long polls stay unanswered; their connections close. */
  stop(): void {
    this.#stopped = true
    this.#retentionTimer?.cancel()
    for (const g of this.groups.values()) Membership.cancelTimers(g)
  }

  // ---- membership ----

  joinGroup(req: JoinRequest): Promise<JoinResult> {
    if (!this.#loaded) return Promise.resolve(joinError(E.COORDINATOR_LOAD_IN_PROGRESS, req.memberId))
    return this.#membership.join(req)
  }

  syncGroup(req: SyncRequest): Promise<SyncResult> {
    if (!this.#loaded) return Promise.resolve(syncError(E.COORDINATOR_LOAD_IN_PROGRESS))
    if (req.groupId === '') return Promise.resolve(syncError(E.INVALID_GROUP_ID))
    return this.#membership.sync(req)
  }

  heartbeat(req: HeartbeatRequest): number {
    if (!this.#loaded) return E.COORDINATOR_LOAD_IN_PROGRESS
    if (req.groupId === '') return E.INVALID_GROUP_ID
    return this.#membership.heartbeat(req)
  }

  leaveGroup(groupId: string, members: LeavingMember[]): LeaveResult {
    if (!this.#loaded) return { errorCode: E.COORDINATOR_LOAD_IN_PROGRESS, members: [] }
    if (groupId === '') return { errorCode: E.INVALID_GROUP_ID, members: [] }
    return this.#membership.leave(groupId, members)
  }

  // ---- offsets ----

  commitOffsets(req: CommitRequest): Promise<TopicErrors[]> {
    if (!this.#loaded) return Promise.resolve(allPartitions(req.topics, E.COORDINATOR_LOAD_IN_PROGRESS))
    return this.#offsets.commit(req)
  }

  fetchOffsets(
    groupId: string,
    topics: { name: string; partitions: number[] }[] | null,
    requireStable = false,
  ): FetchResult {
    if (!this.#loaded) return { errorCode: E.COORDINATOR_LOAD_IN_PROGRESS, topics: [] }
    return this.#offsets.fetch(groupId, topics, requireStable)
  }

  /** TxnOffsetCommit (for the transaction coordinator's handler): offsets pending until the marker. */
  txnCommitOffsets(req: TxnCommitRequest): Promise<TopicErrors[]> {
    if (!this.#loaded) return Promise.resolve(allPartitions(req.topics, E.COORDINATOR_LOAD_IN_PROGRESS))
    return this.#offsets.txnCommit(req)
  }

  /**
   * Called by the transaction coordinator once the commit or abort marker for `producerId` is written to
   * the group's __consumer_offsets partition: the pending offsets take effect or vanish.
   */
  completeTransaction(groupId: string, producerId: bigint, commit: boolean): void {
    this.#offsets.completeTransaction(groupId, producerId, commit)
  }

  /** Startup: offset commits of transactions still open in __consumer_offsets. */
  restorePendingTxnOffsets(producerId: bigint, records: CoordinatorRecord[]): void {
    this.#offsets.restorePending(producerId, records)
  }

  deleteOffsets(
    groupId: string,
    topics: { name: string; partitions: number[] }[],
  ): Promise<DeleteOffsetsResult> {
    if (!this.#loaded) return Promise.resolve({ errorCode: E.COORDINATOR_LOAD_IN_PROGRESS, topics: [] })
    if (groupId === '') return Promise.resolve({ errorCode: E.INVALID_GROUP_ID, topics: [] })
    return this.#offsets.delete(groupId, topics)
  }

  /** Drops the committed offsets of deleted topics from every group. */
  removeTopics(topics: ReadonlySet<string>): Promise<void> {
    return this.#offsets.removeTopics(topics)
  }

  expireOffsets(): Promise<void> {
    return this.#offsets.expire()
  }

  // ---- group admin ----

  /** ListGroups: `states` and `types` filter case-insensitively; empty means all. */
  listGroups(states: string[], types: string[]): { errorCode: number; groups: ListedGroup[] } {
    if (!this.#loaded) return { errorCode: E.COORDINATOR_LOAD_IN_PROGRESS, groups: [] }
    const wantStates = new Set(states.map((s) => s.toLowerCase()))
    const wantTypes = new Set(types.map((s) => s.toLowerCase()))
    if (wantTypes.size > 0 && !wantTypes.has('classic')) return { errorCode: E.NONE, groups: [] }
    const groups: ListedGroup[] = []
    for (const g of this.groups.values()) {
      if (g.is('Dead')) continue
      if (wantStates.size > 0 && !wantStates.has(g.state.toLowerCase())) continue
      groups.push({
        groupId: g.groupId,
        protocolType: g.protocolType ?? '',
        groupState: g.state,
        groupType: 'classic',
      })
    }
    return { errorCode: E.NONE, groups }
  }

  describeGroup(groupId: string): DescribedGroup {
    const base = { groupId, protocolType: '', protocolData: '', members: [] }
    if (!this.#loaded) return { ...base, errorCode: E.COORDINATOR_LOAD_IN_PROGRESS, groupState: 'Dead' }
    const g = this.groups.get(groupId)
    if (!g) return { ...base, errorCode: E.NONE, groupState: 'Dead' }
    const stable = g.is('Stable') && g.protocolName !== null
    const protocol = g.protocolName ?? ''
    return {
      errorCode: E.NONE,
      groupId,
      groupState: g.state,
      protocolType: g.protocolType ?? '',
      protocolData: stable ? protocol : '',
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        memberMetadata: stable ? m.metadataFor(protocol) : EMPTY,
        memberAssignment: stable ? m.assignment : EMPTY,
      })),
    }
  }

  /** DeleteGroups: only empty groups go; their offsets and metadata get tombstones. */
  async deleteGroups(groupIds: string[]): Promise<{ groupId: string; errorCode: number }[]> {
    if (!this.#loaded)
      return groupIds.map((groupId) => ({ groupId, errorCode: E.COORDINATOR_LOAD_IN_PROGRESS }))
    return Promise.all(
      groupIds.map(async (groupId) => ({ groupId, errorCode: await this.#deleteGroup(groupId) })),
    )
  }

  async #deleteGroup(groupId: string): Promise<number> {
    if (groupId === '') return E.INVALID_GROUP_ID
    const g = this.groups.get(groupId)
    if (!g || g.is('Dead')) return E.GROUP_ID_NOT_FOUND
    if (!g.is('Empty')) return E.NON_EMPTY_GROUP
    const records: CoordinatorRecord[] = []
    for (const [topic, parts] of g.offsets)
      for (const partition of parts.keys())
        records.push({ kind: 'offset', group: groupId, topic, partition, value: null })
    records.push({ kind: 'group', group: groupId, value: null })
    Membership.cancelTimers(g)
    g.transitionTo('Dead', this.#clock.now())
    this.groups.delete(groupId)
    try {
      await this.#log.append(groupId, records)
    } catch (err) {
      return logErrorCode(err)
    }
    return E.NONE
  }
}

function offsetKey(topic: string, partition: number): string {
  return `${partition}:${topic}`
}

function parseOffsetKey(key: string): { topic: string; partition: number } {
  const i = key.indexOf(':')
  return { partition: Number(key.slice(0, i)), topic: key.slice(i + 1) }
}
