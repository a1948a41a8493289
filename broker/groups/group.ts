// One classic-protocol group: its members, generation, selected protocol and committed offsets, with the
// bookkeeping Kafka's GroupMetadata does (leader, static members, pending members, protocol votes).
// The rules of when state changes live in ./membership.ts; this module only keeps the data consistent.
import type { Timer } from './clock.ts'
import type { GroupMemberValue, GroupValue, OffsetValue } from './coordinator-records.ts'

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead'

export const GROUP_STATES: readonly GroupState[] = [
  'Empty',
  'PreparingRebalance',
  'CompletingRebalance',
  'Stable',
  'Dead',
]

export interface Protocol {
  name: string
  metadata: Uint8Array
}

export interface JoinResult {
  errorCode: number
  generationId: number
  protocolType: string | null
  protocolName: string | null
  leader: string
  /** JoinGroup v9+: the (static) leader rejoined a stable group and must not compute a new assignment. */
  skipAssignment: boolean
  memberId: string
  members: { memberId: string; groupInstanceId: string | null; metadata: Uint8Array }[]
}

export interface SyncResult {
  errorCode: number
  protocolType: string | null
  protocolName: string | null
  assignment: Uint8Array
}

const EMPTY = new Uint8Array(0)

export class Member {
  memberId: string
  readonly groupInstanceId: string | null
  readonly clientId: string
  readonly clientHost: string
  rebalanceTimeoutMs: number
  sessionTimeoutMs: number
  protocolType: string
  protocols: Protocol[]
  assignment: Uint8Array = EMPTY
  /** Set while the member's JoinGroup waits for the rebalance to complete. */
  awaitingJoin: ((r: JoinResult) => void) | null = null
  /** Set while the member's SyncGroup waits for the leader's assignment. */
  awaitingSync: ((r: SyncResult) => void) | null = null
  /** Joined in the current rebalance and has not yet received a JoinGroup answer. */
  isNew = false
  heartbeatTimer: Timer | null = null

  constructor(init: {
    memberId: string
    groupInstanceId: string | null
    clientId: string
    clientHost: string
    rebalanceTimeoutMs: number
    sessionTimeoutMs: number
    protocolType: string
    protocols: Protocol[]
  }) {
    this.memberId = init.memberId
    this.groupInstanceId = init.groupInstanceId
    this.clientId = init.clientId
    this.clientHost = init.clientHost
    this.rebalanceTimeoutMs = init.rebalanceTimeoutMs
    this.sessionTimeoutMs = init.sessionTimeoutMs
    this.protocolType = init.protocolType
    this.protocols = init.protocols
  }

  metadataFor(protocol: string): Uint8Array {
    return this.protocols.find((p) => p.name === protocol)?.metadata ?? EMPTY
  }

  /** Same protocols with byte-identical metadata, in the same order (a rejoin that changes nothing). */
  matches(protocols: Protocol[]): boolean {
    if (protocols.length !== this.protocols.length) return false
    return protocols.every((p, i) => {
      const mine = this.protocols[i]
      return mine !== undefined && mine.name === p.name && Buffer.from(mine.metadata).equals(p.metadata)
    })
  }

  /** The member's most preferred protocol among the candidates. */
  vote(candidates: Set<string>): string | undefined {
    return this.protocols.find((p) => candidates.has(p.name))?.name
  }
}

export class ClassicGroup {
  readonly groupId: string
  state: GroupState
  generationId = 0
  /** null for a group that only stores offsets (created by a commit, never joined). */
  protocolType: string | null = null
  protocolName: string | null = null
  leaderId: string | null = null
  /** When the group entered its current state. */
  currentStateTimestamp: number
  readonly members = new Map<string, Member>()
  /** Member ids handed out with MEMBER_ID_REQUIRED that have not joined yet, with their expiry timers. */
  readonly pendingMembers = new Map<string, Timer>()
  /** Members that got a JoinGroup answer in this generation and have not sent SyncGroup yet. */
  readonly pendingSyncMembers = new Set<string>()
  readonly staticMembers = new Map<string, string>()
  /** How many members support each protocol (a joining member must share one with everyone). */
  readonly #protocolSupport = new Map<string, number>()
  /** The pending rebalance or pending-sync deadline. */
  rebalanceTimer: Timer | null = null
  syncTimer: Timer | null = null
  /** A member joined while the initial rebalance delay was running. */
  newMemberAdded = false
  /** The first rebalance of an empty group is waiting out group.initial.rebalance.delay.ms. */
  initialDelay = false
  readonly offsets = new Map<string, Map<number, OffsetValue>>()
  /** Offsets committed inside open transactions, by producer id, applied when the transaction commits. */
  readonly pendingTxnOffsets = new Map<bigint, Map<string, Map<number, OffsetValue>>>()

  constructor(groupId: string, state: GroupState, now: number) {
    this.groupId = groupId
    this.state = state
    this.currentStateTimestamp = now
  }

  transitionTo(state: GroupState, now: number): void {
    this.state = state
    this.currentStateTimestamp = now
  }

  is(state: GroupState): boolean {
    return this.state === state
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId
  }

  add(member: Member): void {
    if (this.members.size === 0) this.protocolType = member.protocolType
    this.members.set(member.memberId, member)
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, member.memberId)
    this.#count(member.protocols, 1)
    if (this.leaderId === null) this.leaderId = member.memberId
  }

  remove(memberId: string): Member | undefined {
    const member = this.members.get(memberId)
    if (!member) return undefined
    member.heartbeatTimer?.cancel()
    member.heartbeatTimer = null
    this.members.delete(memberId)
    this.pendingSyncMembers.delete(memberId)
    if (member.groupInstanceId !== null && this.staticMembers.get(member.groupInstanceId) === memberId)
      this.staticMembers.delete(member.groupInstanceId)
    this.#count(member.protocols, -1)
    if (this.leaderId === memberId) this.leaderId = this.members.keys().next().value ?? null
    return member
  }

  updateProtocols(member: Member, protocols: Protocol[]): void {
    this.#count(member.protocols, -1)
    member.protocols = protocols
    this.#count(protocols, 1)
  }

  /** Gives a static member a new member id (its instance id rejoined without the old one). */
  replaceMemberId(member: Member, newMemberId: string): void {
    const oldId = member.memberId
    this.members.delete(oldId)
    this.pendingSyncMembers.delete(oldId)
    member.memberId = newMemberId
    this.members.set(newMemberId, member)
    if (member.groupInstanceId !== null) this.staticMembers.set(member.groupInstanceId, newMemberId)
    if (this.leaderId === oldId) this.leaderId = newMemberId
  }

  #count(protocols: Protocol[], delta: number): void {
    for (const p of protocols) {
      const n = (this.#protocolSupport.get(p.name) ?? 0) + delta
      if (n <= 0) this.#protocolSupport.delete(p.name)
      else this.#protocolSupport.set(p.name, n)
    }
  }

  /** Kafka's supportsProtocols: a new or rejoining member must share a protocol with every member. */
  supportsProtocols(protocolType: string, protocols: Protocol[]): boolean {
    if (this.members.size === 0) return protocolType !== '' && protocols.length > 0
    return (
      this.protocolType === protocolType &&
      protocols.some((p) => this.#protocolSupport.get(p.name) === this.members.size)
    )
  }

  /** The protocol every member supports that gets the most first-preference votes. */
  selectProtocol(): string {
    const candidates = new Set(
      [...this.#protocolSupport].filter(([, n]) => n === this.members.size).map(([name]) => name),
    )
    const votes = new Map<string, number>()
    for (const m of this.members.values()) {
      const v = m.vote(candidates)
      if (v !== undefined) votes.set(v, (votes.get(v) ?? 0) + 1)
    }
    let best: string | null = null
    let bestVotes = -1
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name
        bestVotes = n
      }
    }
    if (best === null) throw new Error(`group ${this.groupId}: no protocol shared by all members`)
    return best
  }

  /** The longest rebalance timeout of any member: how long a rebalance waits for rejoins. */
  rebalanceTimeoutMs(): number {
    let max = 0
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs)
    return max
  }

  allMembersJoined(): boolean {
    if (this.pendingMembers.size > 0) return false
    for (const m of this.members.values()) if (m.awaitingJoin === null) return false
    return true
  }

  /** Topics the members subscribe to, or null when unknown (not a consumer group, or undecodable). */
  subscribedTopics(decode: (metadata: Uint8Array) => string[] | null): Set<string> | null {
    if (this.protocolType !== 'consumer' || this.protocolName === null) return null
    const topics = new Set<string>()
    for (const m of this.members.values()) {
      const t = decode(m.metadataFor(this.protocolName))
      if (t === null) return null
      for (const name of t) topics.add(name)
    }
    return topics
  }

  hasOffsets(): boolean {
    return this.offsets.size > 0
  }

  hasPendingTxnOffset(topic: string, partition: number): boolean {
    for (const byTopic of this.pendingTxnOffsets.values()) if (byTopic.get(topic)?.has(partition)) return true
    return false
  }

  toValue(): GroupValue {
    const protocol = this.protocolName
    const members: GroupMemberValue[] = [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      clientId: m.clientId,
      clientHost: m.clientHost,
      rebalanceTimeoutMs: m.rebalanceTimeoutMs,
      sessionTimeoutMs: m.sessionTimeoutMs,
      subscription: protocol === null ? EMPTY : m.metadataFor(protocol),
      assignment: m.assignment,
    }))
    return {
      protocolType: this.protocolType ?? '',
      generation: this.generationId,
      protocol,
      leader: this.leaderId,
      currentStateTimestamp: this.currentStateTimestamp,
      members,
    }
  }
}
