// The classic group protocol's membership rules (JoinGroup, SyncGroup, Heartbeat, LeaveGroup and the
// timers behind them), following Kafka's GroupCoordinator: Empty -> PreparingRebalance ->
// CompletingRebalance -> Stable, generation ids, MEMBER_ID_REQUIRED, static members, session, rebalance
// and pending-sync timeouts. Answers are promises resolved when the group transitions (the long poll).
import { randomUUID } from 'node:crypto'
import type { Clock } from './clock.ts'
import { GroupLogError, type GroupLog } from './coordinator-records.ts'
import { ErrorCode as E } from '../protocol/errors.ts'
import { ClassicGroup, Member, type JoinResult, type Protocol, type SyncResult } from './group.ts'
import { NEW_MEMBER_JOIN_TIMEOUT_MS, type GroupConfig } from './group-config.ts'

export interface JoinRequest {
  groupId: string
  /** '' on a member's first join. */
  memberId: string
  groupInstanceId: string | null
  sessionTimeoutMs: number
  /** -1 (JoinGroup v0) means the session timeout. */
  rebalanceTimeoutMs: number
  protocolType: string
  protocols: Protocol[]
  clientId: string
  clientHost: string
  /** JoinGroup v4+: a first join gets MEMBER_ID_REQUIRED and must rejoin with the assigned id. */
  requireKnownMemberId: boolean
}

export interface SyncRequest {
  groupId: string
  generationId: number
  memberId: string
  groupInstanceId: string | null
  /** SyncGroup v5+; null when not sent. */
  protocolType: string | null
  protocolName: string | null
  assignments: { memberId: string; assignment: Uint8Array }[]
}

export interface HeartbeatRequest {
  groupId: string
  generationId: number
  memberId: string
  groupInstanceId: string | null
}

export interface LeavingMember {
  memberId: string
  groupInstanceId: string | null
}

export interface LeaveResult {
  errorCode: number
  members: (LeavingMember & { errorCode: number })[]
}

export interface MembershipContext {
  clock: Clock
  log: GroupLog
  config: GroupConfig
  groups: Map<string, ClassicGroup>
  /** Reports a failed background write (an emptied group's metadata); the group itself carries on. */
  onBackgroundError(err: unknown): void
}

const EMPTY = new Uint8Array(0)

export function joinError(errorCode: number, memberId = ''): JoinResult {
  return {
    errorCode,
    generationId: -1,
    protocolType: null,
    protocolName: null,
    leader: '',
    skipAssignment: false,
    memberId,
    members: [],
  }
}

export function syncError(errorCode: number): SyncResult {
  return { errorCode, protocolType: null, protocolName: null, assignment: EMPTY }
}

export function logErrorCode(err: unknown): number {
  return err instanceof GroupLogError ? err.errorCode : E.COORDINATOR_NOT_AVAILABLE
}

/** A promise whose resolver chains onto an earlier waiter, so a repeated request is answered too. */
function waiter<T>(previous: ((r: T) => void) | null): { promise: Promise<T>; resolve: (r: T) => void } {
  let resolveFn!: (r: T) => void
  const promise = new Promise<T>((res) => {
    resolveFn = res
  })
  const resolve = previous
    ? (r: T): void => {
        previous(r)
        resolveFn(r)
      }
    : resolveFn
  return { promise, resolve }
}

export class Membership {
  readonly #ctx: MembershipContext

  constructor(ctx: MembershipContext) {
    this.#ctx = ctx
  }

  get #now(): number {
    return this.#ctx.clock.now()
  }

  // ---- JoinGroup ----

  async join(req: JoinRequest): Promise<JoinResult> {
    const { config, groups } = this.#ctx
    if (req.groupId === '') return joinError(E.INVALID_GROUP_ID, req.memberId)
    if (
      req.sessionTimeoutMs < config.minSessionTimeoutMs ||
      req.sessionTimeoutMs > config.maxSessionTimeoutMs
    )
      return joinError(E.INVALID_SESSION_TIMEOUT, req.memberId)
    let group = groups.get(req.groupId)
    if (!group) {
      if (req.memberId !== '') return joinError(E.UNKNOWN_MEMBER_ID, req.memberId)
      group = new ClassicGroup(req.groupId, 'Empty', this.#now)
      groups.set(req.groupId, group)
    }
    const normalized = req.rebalanceTimeoutMs < 0 ? { ...req, rebalanceTimeoutMs: req.sessionTimeoutMs } : req
    let result: Promise<JoinResult>
    if (!this.#acceptsJoiningMember(group, req.memberId))
      result = Promise.resolve(joinError(E.GROUP_MAX_SIZE_REACHED, req.memberId))
    else if (req.memberId === '') result = this.#joinNewMember(group, normalized)
    else result = this.#joinKnownMember(group, normalized)
    this.#dropIfUnused(group)
    return result
  }

  #acceptsJoiningMember(group: ClassicGroup, memberId: string): boolean {
    const max = this.#ctx.config.maxGroupSize
    const member = group.members.get(memberId)
    switch (group.state) {
      case 'Empty':
      case 'Dead':
        return true
      case 'PreparingRebalance': {
        if (member?.awaitingJoin) return true
        let awaiting = 0
        for (const m of group.members.values()) if (m.awaitingJoin) awaiting++
        return awaiting < max
      }
      case 'CompletingRebalance':
      case 'Stable':
        return member !== undefined || group.members.size < max
    }
  }

  /** A group created by a join that failed before anyone joined holds nothing: forget it. */
  #dropIfUnused(group: ClassicGroup): void {
    if (
      group.is('Empty') &&
      group.members.size === 0 &&
      group.pendingMembers.size === 0 &&
      group.generationId === 0 &&
      !group.hasOffsets()
    )
      this.#ctx.groups.delete(group.groupId)
  }

  #joinNewMember(group: ClassicGroup, req: JoinRequest): Promise<JoinResult> {
    if (group.is('Dead')) return Promise.resolve(joinError(E.COORDINATOR_NOT_AVAILABLE))
    if (!group.supportsProtocols(req.protocolType, req.protocols))
      return Promise.resolve(joinError(E.INCONSISTENT_GROUP_PROTOCOL))
    const newMemberId = `${req.groupInstanceId ?? req.clientId}-${randomUUID()}`
    if (req.groupInstanceId !== null)
      return this.#joinStaticMember(group, req, req.groupInstanceId, newMemberId)
    if (req.requireKnownMemberId) {
      const timer = this.#ctx.clock.schedule(req.sessionTimeoutMs, () =>
        this.#expirePendingMember(group, newMemberId),
      )
      group.pendingMembers.set(newMemberId, timer)
      return Promise.resolve(joinError(E.MEMBER_ID_REQUIRED, newMemberId))
    }
    return this.#addMemberAndRebalance(group, req, newMemberId)
  }

  #joinKnownMember(group: ClassicGroup, req: JoinRequest): Promise<JoinResult> {
    const memberId = req.memberId
    if (group.is('Dead')) return Promise.resolve(joinError(E.COORDINATOR_NOT_AVAILABLE, memberId))
    if (!group.supportsProtocols(req.protocolType, req.protocols))
      return Promise.resolve(joinError(E.INCONSISTENT_GROUP_PROTOCOL, memberId))
    const pending = group.pendingMembers.get(memberId)
    if (pending) {
      pending.cancel()
      group.pendingMembers.delete(memberId)
      return this.#addMemberAndRebalance(group, req, memberId)
    }
    if (this.#isFenced(group, req.groupInstanceId, memberId))
      return Promise.resolve(joinError(E.FENCED_INSTANCE_ID, memberId))
    const member = group.members.get(memberId)
    if (!member || (req.groupInstanceId !== null && !group.staticMembers.has(req.groupInstanceId)))
      return Promise.resolve(joinError(E.UNKNOWN_MEMBER_ID, memberId))
    switch (group.state) {
      case 'PreparingRebalance':
        return this.#updateMemberAndRebalance(group, member, req)
      case 'CompletingRebalance':
        if (member.matches(req.protocols))
          return Promise.resolve(this.#currentGeneration(group, member, false))
        return this.#updateMemberAndRebalance(group, member, req)
      case 'Stable':
        if (group.isLeader(memberId) || !member.matches(req.protocols))
          return this.#updateMemberAndRebalance(group, member, req)
        return Promise.resolve(this.#currentGeneration(group, member, false))
      case 'Empty':
      case 'Dead':
        return Promise.resolve(joinError(E.UNKNOWN_MEMBER_ID, memberId))
    }
  }

  #joinStaticMember(
    group: ClassicGroup,
    req: JoinRequest,
    instanceId: string,
    newMemberId: string,
  ): Promise<JoinResult> {
    const oldMemberId = group.staticMembers.get(instanceId)
    const member = oldMemberId === undefined ? undefined : group.members.get(oldMemberId)
    if (oldMemberId === undefined || !member) return this.#addMemberAndRebalance(group, req, newMemberId)
    // The instance came back with a new member id: fence whatever the old one was waiting for.
    member.awaitingJoin?.(joinError(E.FENCED_INSTANCE_ID, oldMemberId))
    member.awaitingJoin = null
    member.awaitingSync?.(syncError(E.FENCED_INSTANCE_ID))
    member.awaitingSync = null
    const oldProtocols = member.protocols
    const oldTimeouts = { rebalance: member.rebalanceTimeoutMs, session: member.sessionTimeoutMs }
    group.replaceMemberId(member, newMemberId)
    this.#scheduleHeartbeat(group, member)
    group.updateProtocols(member, req.protocols)
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs
    member.sessionTimeoutMs = req.sessionTimeoutMs
    const w = waiter<JoinResult>(null)
    member.awaitingJoin = w.resolve
    switch (group.state) {
      case 'Stable':
        if (group.protocolName === group.selectProtocol()) {
          // Nothing the assignment depends on changed: record the new member id, answer without a rebalance.
          const resolve = w.resolve
          const generation = group.generationId
          this.#ctx.log
            .append(group.groupId, [{ kind: 'group', group: group.groupId, value: group.toValue() }])
            .then(
              () => {
                if (member.awaitingJoin !== resolve) return
                member.awaitingJoin = null
                resolve(this.#currentGeneration(group, member, group.isLeader(member.memberId)))
              },
              (err: unknown) => {
                if (member.awaitingJoin !== resolve) return
                member.awaitingJoin = null
                if (group.generationId === generation && group.members.get(member.memberId) === member) {
                  group.replaceMemberId(member, oldMemberId)
                  group.updateProtocols(member, oldProtocols)
                  member.rebalanceTimeoutMs = oldTimeouts.rebalance
                  member.sessionTimeoutMs = oldTimeouts.session
                }
                resolve(joinError(logErrorCode(err), newMemberId))
              },
            )
            .catch((err: unknown) => this.#ctx.onBackgroundError(err))
        } else {
          this.#maybePrepareRebalance(group)
        }
        break
      case 'CompletingRebalance':
        this.#maybePrepareRebalance(group)
        break
      case 'PreparingRebalance':
        this.#tryCompleteJoin(group)
        break
      case 'Empty':
      case 'Dead':
        member.awaitingJoin = null
        return Promise.resolve(joinError(E.UNKNOWN_MEMBER_ID, newMemberId))
    }
    return w.promise
  }

  #addMemberAndRebalance(group: ClassicGroup, req: JoinRequest, memberId: string): Promise<JoinResult> {
    const member = new Member({
      memberId,
      groupInstanceId: req.groupInstanceId,
      clientId: req.clientId,
      clientHost: req.clientHost,
      rebalanceTimeoutMs: req.rebalanceTimeoutMs,
      sessionTimeoutMs: req.sessionTimeoutMs,
      protocolType: req.protocolType,
      protocols: req.protocols,
    })
    member.isNew = true
    const w = waiter<JoinResult>(null)
    member.awaitingJoin = w.resolve
    group.add(member)
    if (group.is('PreparingRebalance') && group.generationId === 0) group.newMemberAdded = true
    member.heartbeatTimer = this.#ctx.clock.schedule(NEW_MEMBER_JOIN_TIMEOUT_MS, () =>
      this.#heartbeatExpired(group, member),
    )
    this.#maybePrepareRebalance(group)
    return w.promise
  }

  #updateMemberAndRebalance(group: ClassicGroup, member: Member, req: JoinRequest): Promise<JoinResult> {
    group.updateProtocols(member, req.protocols)
    member.rebalanceTimeoutMs = req.rebalanceTimeoutMs
    member.sessionTimeoutMs = req.sessionTimeoutMs
    const w = waiter<JoinResult>(member.awaitingJoin)
    member.awaitingJoin = w.resolve
    this.#maybePrepareRebalance(group)
    return w.promise
  }

  #currentGeneration(group: ClassicGroup, member: Member, skipAssignment: boolean): JoinResult {
    const isLeader = group.isLeader(member.memberId)
    return {
      errorCode: E.NONE,
      generationId: group.generationId,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      leader: group.leaderId ?? '',
      skipAssignment,
      memberId: member.memberId,
      members: isLeader ? this.#memberMetadata(group) : [],
    }
  }

  #memberMetadata(group: ClassicGroup): JoinResult['members'] {
    const protocol = group.protocolName ?? ''
    return [...group.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: m.metadataFor(protocol),
    }))
  }

  // ---- rebalance ----

  #maybePrepareRebalance(group: ClassicGroup): void {
    if (group.is('Stable') || group.is('CompletingRebalance') || group.is('Empty'))
      this.#prepareRebalance(group)
    else this.#tryCompleteJoin(group)
  }

  #prepareRebalance(group: ClassicGroup): void {
    if (group.is('CompletingRebalance'))
      this.#resetAndPropagateAssignmentError(group, E.REBALANCE_IN_PROGRESS)
    group.syncTimer?.cancel()
    group.syncTimer = null
    group.pendingSyncMembers.clear()
    group.rebalanceTimer?.cancel()
    const wasEmpty = group.is('Empty')
    group.transitionTo('PreparingRebalance', this.#now)
    const delay = this.#ctx.config.initialRebalanceDelayMs
    if (wasEmpty && delay > 0) {
      // Kafka's InitialDelayedJoin: wait for more members, extended while they keep coming.
      group.initialDelay = true
      group.newMemberAdded = false
      const remaining = Math.max(group.rebalanceTimeoutMs() - delay, 0)
      group.rebalanceTimer = this.#ctx.clock.schedule(delay, () =>
        this.#initialDelayExpired(group, delay, remaining),
      )
    } else {
      group.initialDelay = false
      group.rebalanceTimer = this.#ctx.clock.schedule(group.rebalanceTimeoutMs(), () =>
        this.#completeJoin(group),
      )
      this.#tryCompleteJoin(group)
    }
  }

  #initialDelayExpired(group: ClassicGroup, delay: number, remaining: number): void {
    if (!group.is('PreparingRebalance') || !group.initialDelay) return
    if (group.newMemberAdded && remaining > 0) {
      group.newMemberAdded = false
      const next = Math.min(delay, remaining)
      group.rebalanceTimer = this.#ctx.clock.schedule(next, () =>
        this.#initialDelayExpired(group, delay, Math.max(remaining - next, 0)),
      )
      return
    }
    group.initialDelay = false
    this.#completeJoin(group)
  }

  #tryCompleteJoin(group: ClassicGroup): void {
    if (group.is('PreparingRebalance') && !group.initialDelay && group.allMembersJoined())
      this.#completeJoin(group)
  }

  #completeJoin(group: ClassicGroup): void {
    if (!group.is('PreparingRebalance')) return
    group.rebalanceTimer?.cancel()
    group.rebalanceTimer = null
    group.initialDelay = false
    // Dynamic members that did not rejoin in time are gone; static ones keep their place until their session ends.
    for (const m of [...group.members.values()])
      if (m.awaitingJoin === null && m.groupInstanceId === null) group.remove(m.memberId)
    const leader = group.leaderId === null ? undefined : group.members.get(group.leaderId)
    if (!leader?.awaitingJoin) {
      const joined = [...group.members.values()].find((m) => m.awaitingJoin !== null)
      if (joined) group.leaderId = joined.memberId
      else if (group.members.size > 0) {
        // Only static members that have not rejoined remain: wait for them or their session timeouts.
        group.rebalanceTimer = this.#ctx.clock.schedule(group.rebalanceTimeoutMs(), () =>
          this.#completeJoin(group),
        )
        return
      }
    }
    group.generationId++
    if (group.members.size === 0) {
      group.protocolName = null
      group.leaderId = null
      group.transitionTo('Empty', this.#now)
      this.#ctx.log
        .append(group.groupId, [{ kind: 'group', group: group.groupId, value: group.toValue() }])
        .catch((err: unknown) => this.#ctx.onBackgroundError(err))
      return
    }
    group.protocolName = group.selectProtocol()
    group.transitionTo('CompletingRebalance', this.#now)
    const metadata = this.#memberMetadata(group)
    for (const m of group.members.values()) {
      const resolve = m.awaitingJoin
      if (!resolve) continue
      m.awaitingJoin = null
      m.isNew = false
      group.pendingSyncMembers.add(m.memberId)
      resolve({
        errorCode: E.NONE,
        generationId: group.generationId,
        protocolType: group.protocolType,
        protocolName: group.protocolName,
        leader: group.leaderId ?? '',
        skipAssignment: false,
        memberId: m.memberId,
        members: group.isLeader(m.memberId) ? metadata : [],
      })
      this.#scheduleHeartbeat(group, m)
    }
    const generation = group.generationId
    group.syncTimer = this.#ctx.clock.schedule(group.rebalanceTimeoutMs(), () =>
      this.#expirePendingSync(group, generation),
    )
  }

  #expirePendingSync(group: ClassicGroup, generation: number): void {
    if (group.generationId !== generation) return
    group.syncTimer = null
    if (!group.is('CompletingRebalance') && !group.is('Stable')) return
    for (const memberId of [...group.pendingSyncMembers]) {
      const m = group.members.get(memberId)
      if (m) this.#removeMemberAndUpdateGroup(group, m)
    }
  }

  #resetAndPropagateAssignmentError(group: ClassicGroup, errorCode: number): void {
    for (const m of group.members.values()) {
      m.assignment = EMPTY
      const resolve = m.awaitingSync
      if (!resolve) continue
      m.awaitingSync = null
      resolve(syncError(errorCode))
    }
  }

  // ---- SyncGroup ----

  async sync(req: SyncRequest): Promise<SyncResult> {
    const group = this.#ctx.groups.get(req.groupId)
    if (!group) return syncError(E.UNKNOWN_MEMBER_ID)
    if (group.is('Dead')) return syncError(E.COORDINATOR_NOT_AVAILABLE)
    if (this.#isFenced(group, req.groupInstanceId, req.memberId)) return syncError(E.FENCED_INSTANCE_ID)
    const member = group.members.get(req.memberId)
    if (!member) return syncError(E.UNKNOWN_MEMBER_ID)
    if (req.generationId !== group.generationId) return syncError(E.ILLEGAL_GENERATION)
    if (
      (req.protocolType !== null && req.protocolType !== group.protocolType) ||
      (req.protocolName !== null && req.protocolName !== group.protocolName)
    )
      return syncError(E.INCONSISTENT_GROUP_PROTOCOL)
    switch (group.state) {
      case 'Empty':
        return syncError(E.UNKNOWN_MEMBER_ID)
      case 'PreparingRebalance':
        return syncError(E.REBALANCE_IN_PROGRESS)
      case 'Dead':
        return syncError(E.COORDINATOR_NOT_AVAILABLE)
      case 'Stable':
        this.#markSynced(group, req.memberId)
        this.#scheduleHeartbeat(group, member)
        return this.#syncAnswer(group, member)
      case 'CompletingRebalance': {
        this.#markSynced(group, req.memberId)
        const w = waiter<SyncResult>(member.awaitingSync)
        member.awaitingSync = w.resolve
        if (group.isLeader(req.memberId)) this.#storeAssignment(group, req.assignments)
        return w.promise
      }
    }
  }

  #storeAssignment(group: ClassicGroup, assignments: SyncRequest['assignments']): void {
    const generation = group.generationId
    const byMember = new Map(assignments.map((a) => [a.memberId, a.assignment]))
    const value = group.toValue()
    for (const m of value.members) m.assignment = byMember.get(m.memberId) ?? EMPTY
    const stillCurrent = (): boolean => group.is('CompletingRebalance') && group.generationId === generation
    this.#ctx.log
      .append(group.groupId, [{ kind: 'group', group: group.groupId, value }])
      .then(
        () => {
          if (!stillCurrent()) return
          for (const m of group.members.values()) m.assignment = byMember.get(m.memberId) ?? EMPTY
          group.transitionTo('Stable', this.#now)
          for (const m of group.members.values()) {
            const resolve = m.awaitingSync
            if (!resolve) continue
            m.awaitingSync = null
            resolve(this.#syncAnswer(group, m))
            this.#scheduleHeartbeat(group, m)
          }
        },
        (err: unknown) => {
          if (!stillCurrent()) return
          this.#resetAndPropagateAssignmentError(group, logErrorCode(err))
          this.#prepareRebalance(group)
        },
      )
      .catch((err: unknown) => this.#ctx.onBackgroundError(err))
  }

  #syncAnswer(group: ClassicGroup, member: Member): SyncResult {
    return {
      errorCode: E.NONE,
      protocolType: group.protocolType,
      protocolName: group.protocolName,
      assignment: member.assignment,
    }
  }

  #markSynced(group: ClassicGroup, memberId: string): void {
    group.pendingSyncMembers.delete(memberId)
    if (group.pendingSyncMembers.size === 0) {
      group.syncTimer?.cancel()
      group.syncTimer = null
    }
  }

  // ---- Heartbeat ----

  heartbeat(req: HeartbeatRequest): number {
    const group = this.#ctx.groups.get(req.groupId)
    if (!group) return E.UNKNOWN_MEMBER_ID
    if (group.is('Dead')) return E.COORDINATOR_NOT_AVAILABLE
    if (this.#isFenced(group, req.groupInstanceId, req.memberId)) return E.FENCED_INSTANCE_ID
    const member = group.members.get(req.memberId)
    if (!member) return E.UNKNOWN_MEMBER_ID
    if (req.generationId !== group.generationId) return E.ILLEGAL_GENERATION
    switch (group.state) {
      case 'Empty':
        return E.UNKNOWN_MEMBER_ID
      case 'Dead':
        return E.COORDINATOR_NOT_AVAILABLE
      case 'PreparingRebalance':
        this.#scheduleHeartbeat(group, member)
        return E.REBALANCE_IN_PROGRESS
      case 'CompletingRebalance':
      case 'Stable':
        this.#scheduleHeartbeat(group, member)
        return E.NONE
    }
  }

  /** Resets the member's session timer (the coordinator heard from it). */
  touch(group: ClassicGroup, member: Member): void {
    this.#scheduleHeartbeat(group, member)
  }

  #scheduleHeartbeat(group: ClassicGroup, member: Member): void {
    member.heartbeatTimer?.cancel()
    member.heartbeatTimer = this.#ctx.clock.schedule(member.sessionTimeoutMs, () =>
      this.#heartbeatExpired(group, member),
    )
  }

  #heartbeatExpired(group: ClassicGroup, member: Member): void {
    if (group.members.get(member.memberId) !== member) return
    member.heartbeatTimer = null
    // A member waiting in a rebalance is kept alive; the rebalance or pending-sync timeout decides for it.
    if (member.awaitingJoin !== null && !member.isNew) return
    if (member.awaitingSync !== null) return
    this.#removeMemberAndUpdateGroup(group, member)
  }

  #expirePendingMember(group: ClassicGroup, memberId: string): void {
    if (!group.pendingMembers.delete(memberId)) return
    if (group.is('PreparingRebalance')) this.#tryCompleteJoin(group)
    else this.#dropIfUnused(group)
  }

  // ---- LeaveGroup ----

  leave(groupId: string, leaving: LeavingMember[]): LeaveResult {
    const group = this.#ctx.groups.get(groupId)
    if (!group)
      return { errorCode: E.NONE, members: leaving.map((m) => ({ ...m, errorCode: E.UNKNOWN_MEMBER_ID })) }
    if (group.is('Dead')) return { errorCode: E.COORDINATOR_NOT_AVAILABLE, members: [] }
    const members = leaving.map((l) => ({ ...l, errorCode: this.#leaveOne(group, l) }))
    return { errorCode: E.NONE, members }
  }

  #leaveOne(group: ClassicGroup, l: LeavingMember): number {
    if (l.memberId === '') {
      // Administrative removal of a static member by its instance id.
      const current = l.groupInstanceId === null ? undefined : group.staticMembers.get(l.groupInstanceId)
      const member = current === undefined ? undefined : group.members.get(current)
      if (!member) return E.UNKNOWN_MEMBER_ID
      this.#removeMemberAndUpdateGroup(group, member)
      return E.NONE
    }
    const pending = group.pendingMembers.get(l.memberId)
    if (pending) {
      pending.cancel()
      this.#expirePendingMember(group, l.memberId)
      return E.NONE
    }
    if (this.#isFenced(group, l.groupInstanceId, l.memberId)) return E.FENCED_INSTANCE_ID
    const member = group.members.get(l.memberId)
    if (!member) return E.UNKNOWN_MEMBER_ID
    this.#removeMemberAndUpdateGroup(group, member)
    return E.NONE
  }

  #removeMemberAndUpdateGroup(group: ClassicGroup, member: Member): void {
    member.awaitingJoin?.(joinError(E.UNKNOWN_MEMBER_ID, member.memberId))
    member.awaitingJoin = null
    member.awaitingSync?.(syncError(E.UNKNOWN_MEMBER_ID))
    member.awaitingSync = null
    group.remove(member.memberId)
    switch (group.state) {
      case 'Stable':
      case 'CompletingRebalance':
        this.#maybePrepareRebalance(group)
        break
      case 'PreparingRebalance':
        this.#tryCompleteJoin(group)
        break
      case 'Empty':
      case 'Dead':
        break
    }
  }

  // ---- shared checks ----

  #isFenced(group: ClassicGroup, groupInstanceId: string | null, memberId: string): boolean {
    if (groupInstanceId === null) return false
    const current = group.staticMembers.get(groupInstanceId)
    return current !== undefined && current !== memberId
  }

  /** Called when a group is deleted or the coordinator stops: cancels every timer the group holds. */
  static cancelTimers(group: ClassicGroup): void {
    group.rebalanceTimer?.cancel()
    group.syncTimer?.cancel()
    for (const t of group.pendingMembers.values()) t.cancel()
    for (const m of group.members.values()) m.heartbeatTimer?.cancel()
  }

  /** Starts session timers for members loaded from __consumer_offsets. */
  startLoadedMembers(group: ClassicGroup): void {
    for (const m of group.members.values()) this.#scheduleHeartbeat(group, m)
  }
}
