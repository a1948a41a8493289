// __transaction_state on disk: Kafka's record formats (key: version int16 0 + TransactionLogKey; value:
// version int16 1 + TransactionLogValue; a null value is the tombstone of an expired id), one record per
// state change, appended to the partition of the transactional id and read back at startup.
import {
  encodeTransactionLogKey,
  decodeTransactionLogKey,
} from '../protocol/generated/transaction-log-key.ts'
import {
  decodeTransactionLogValue,
  encodeTransactionLogValue,
} from '../protocol/generated/transaction-log-value.ts'
import { Reader } from '../protocol/primitives/reader.ts'
import { Writer } from '../protocol/primitives/writer.ts'
import { buildRecordBatch } from '../protocol/records/builder.ts'
import { ATTR_CONTROL } from '../protocol/records/batch-header.ts'
import type { LogManager } from '../storage/log-manager.ts'
import { replayBatches } from '../storage/log-replay.ts'
import { offsetsPartitionFor } from '../groups/java-hash.ts'
import { TXN_STATE_NAMES, TxnStatus, type TxnMetadata } from './txn-metadata.ts'

export const TXN_STATE_TOPIC = '__transaction_state'
const KEY_VERSION = 0
const VALUE_VERSION = 1
export function encodeTxnKey(transactionalId: string): Buffer {
  const w = new Writer(64)
  w.int16(KEY_VERSION)
  encodeTransactionLogKey(w, { transactionalId }, KEY_VERSION)
  return w.toBuffer()
}

export function encodeTxnValue(meta: TxnMetadata): Buffer {
  const w = new Writer(128)
  w.int16(VALUE_VERSION)
  encodeTransactionLogValue(
    w,
    {
      producerId: meta.producerId,
      previousProducerId: meta.previousProducerId,
      producerEpoch: meta.producerEpoch,
      transactionTimeoutMs: meta.timeoutMs,
      transactionStatus: TxnStatus[meta.state],
      transactionPartitions: [...meta.partitions].map(([topic, set]) => ({
        topic,
        partitionIds: [...set].sort((a, b) => a - b),
      })),
      transactionLastUpdateTimestampMs: BigInt(meta.lastUpdateMs),
      transactionStartTimestampMs: BigInt(meta.txnStartMs),
    },
    VALUE_VERSION,
  )
  return w.toBuffer()
}

/** Decodes one record; null for a tombstone. Throws on a malformed record. */
export function decodeTxnRecord(key: Buffer, value: Buffer | null): { id: string; meta: TxnMetadata | null } {
  const kr = new Reader(key)
  const keyVersion = kr.int16()
  if (keyVersion !== KEY_VERSION) throw new Error(`unknown transaction log key version ${keyVersion}`)
  const id = decodeTransactionLogKey(kr, keyVersion).transactionalId
  if (value === null) return { id, meta: null }
  const vr = new Reader(value)
  const version = vr.int16()
  const v = decodeTransactionLogValue(vr, version)
  const state = TXN_STATE_NAMES[v.transactionStatus]
  if (state === undefined) throw new Error(`unknown transaction status ${v.transactionStatus}`)
  return {
    id,
    meta: {
      transactionalId: id,
      producerId: v.producerId,
      previousProducerId: v.previousProducerId,
      producerEpoch: v.producerEpoch,
      timeoutMs: v.transactionTimeoutMs,
      state,
      partitions: new Map((v.transactionPartitions ?? []).map((p) => [p.topic, new Set(p.partitionIds)])),
      groups: new Set(),
      txnStartMs: Number(v.transactionStartTimestampMs),
      lastUpdateMs: Number(v.transactionLastUpdateTimestampMs),
    },
  }
}

export class TxnStateLog {
  readonly #logs: LogManager
  readonly #partitions: number

  constructor(logs: LogManager, partitions: number) {
    this.#logs = logs
    this.#partitions = partitions
  }

  partitionOf(transactionalId: string): number {
    return offsetsPartitionFor(transactionalId, this.#partitions)
  }

  async append(transactionalId: string, meta: TxnMetadata | null): Promise<void> {
    const partition = this.partitionOf(transactionalId)
    const log = this.#logs.getLog(TXN_STATE_TOPIC, partition)
    if (!log) throw new Error(`${TXN_STATE_TOPIC}-${partition} is not open`)
    const batch = await buildRecordBatch({
      records: [{ key: encodeTxnKey(transactionalId), value: meta === null ? null : encodeTxnValue(meta) }],
    })
    await log.append(batch)
  }

  /** The latest state of every transactional id, read from every partition. */
  async load(onBadRecord: (partition: number, err: Error) => void): Promise<Map<string, TxnMetadata>> {
    const out = new Map<string, TxnMetadata>()
    for (let p = 0; p < this.#partitions; p++) {
      const plog = this.#logs.getLog(TXN_STATE_TOPIC, p)
      if (!plog) continue
      for await (const batch of replayBatches(plog)) {
        if ((batch.header.attributes & ATTR_CONTROL) !== 0) continue
        for (const r of batch.records) {
          if (r.key === null) continue
          try {
            const { id, meta } = decodeTxnRecord(r.key, r.value)
            if (meta === null) out.delete(id)
            else out.set(id, meta)
          } catch (err) {
            onBadRecord(p, err as Error)
          }
        }
      }
    }
    return out
  }
}
