// What the group coordinator writes to __consumer_offsets, as plain values. The byte formats (Kafka's
// OffsetCommitKey/Value and GroupMetadataKey/Value) live in ./offsets-codec.ts; the coordinator and its
// tests only see these shapes.

export interface OffsetValue {
  offset: bigint
  /** -1 when the client sent none. */
  leaderEpoch: number
  metadata: string
  commitTimestamp: number
  /** Set only by OffsetCommit v2-v4 with an explicit retention time; null means the broker's retention. */
  expireTimestamp: number | null
}

export interface GroupMemberValue {
  memberId: string
  groupInstanceId: string | null
  clientId: string
  clientHost: string
  rebalanceTimeoutMs: number
  sessionTimeoutMs: number
  /** The member's metadata for the group's selected protocol. */
  subscription: Uint8Array
  assignment: Uint8Array
}

export interface GroupValue {
  /** '' for groups that only store offsets (no group management). */
  protocolType: string
  generation: number
  protocol: string | null
  leader: string | null
  /** When the group entered its current state (Empty: the start of offset retention); -1 if unknown. */
  currentStateTimestamp: number
  members: GroupMemberValue[]
}

export type CoordinatorRecord =
  | { kind: 'offset'; group: string; topic: string; partition: number; value: OffsetValue | null }
  | { kind: 'group'; group: string; value: GroupValue | null }

/** The producer of a transactional offset commit (TxnOffsetCommit): its records go in a transactional batch. */
export interface TxnProducer {
  producerId: bigint
  producerEpoch: number
}

/** Where the coordinator makes its state durable: the __consumer_offsets partition of each group. */
export interface GroupLog {
  /**
   * Appends the records to the group's partition and resolves once they are as durable as the broker's
   * policy requires. Rejects with a GroupLogError when they could not be written.
   */
  append(groupId: string, records: CoordinatorRecord[], txn?: TxnProducer): Promise<void>
}

/** An append to __consumer_offsets failed; `errorCode` is the Kafka error the client should see. */
export class GroupLogError extends Error {
  readonly errorCode: number

  constructor(errorCode: number, message: string) {
    super(message)
    this.name = 'GroupLogError'
    this.errorCode = errorCode
  }
}
