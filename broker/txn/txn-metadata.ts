// What the transaction coordinator knows of one transactional id, with Kafka's state names and the status
// numbers __transaction_state stores (TransactionState in Kafka).

export const TxnStatus = {
  Empty: 0,
  Ongoing: 1,
  PrepareCommit: 2,
  PrepareAbort: 3,
  CompleteCommit: 4,
  CompleteAbort: 5,
  Dead: 6,
  PrepareEpochFence: 7,
} as const
export type TxnState = keyof typeof TxnStatus

export const TXN_STATE_NAMES: readonly TxnState[] = Object.keys(TxnStatus) as TxnState[]

export interface TxnMetadata {
  transactionalId: string
  producerId: bigint
  /** The producer id before the last one handed out (epoch exhaustion), or -1. */
  previousProducerId: bigint
  producerEpoch: number
  timeoutMs: number
  state: TxnState
  /** Partitions in the open (or completing) transaction: topic to partition indexes. */
  partitions: Map<string, Set<number>>
  /** Consumer groups whose offsets this transaction commits (AddOffsetsToTxn). */
  groups: Set<string>
  /** When the transaction started (first AddPartitions/AddOffsets), -1 when none is open. */
  txnStartMs: number
  lastUpdateMs: number
}

/** Producer epochs are int16; the last usable one leaves room for the coordinator's fencing bump. */
export const MAX_PRODUCER_EPOCH = 32766

export function isPrepare(state: TxnState): boolean {
  return state === 'PrepareCommit' || state === 'PrepareAbort' || state === 'PrepareEpochFence'
}

export function partitionList(meta: TxnMetadata): { topic: string; partitions: number[] }[] {
  return [...meta.partitions].map(([topic, set]) => ({ topic, partitions: [...set].sort((a, b) => a - b) }))
}
