// The services of the produce/fetch data path, created once per broker: producer state per partition,
// producer id allocation, incremental fetch sessions, and the wake-ups of long-polling fetches.
import { ATTR_CONTROL, ATTR_TRANSACTIONAL } from '../protocol/records/batch-header.ts'
import { ProducerIdManager } from '../producers/producer-id-manager.ts'
import {
  ProducerStates,
  type PartitionProducers,
  type ProducerStateLog,
  type ReplayedBatch,
} from '../producers/partition-producers.ts'
import type { PartitionLog } from '../storage/partition-log.ts'
import { FetchSessionCache } from './fetch-sessions.ts'
import { FetchWaiters } from './fetch-waiters.ts'

export interface DataPath {
  producers: ProducerStates
  producerIds: ProducerIdManager
  fetchSessions: FetchSessionCache
  fetchWaiters: FetchWaiters
  /**
   * Answers parked fetches and snapshots producer state; call before the logs close. (Call
   * fetchWaiters.close() before closing the listener, so parked fetches do not hold the drain.)
   */
  close(): Promise<void>
}

export interface DataPathOptions {
  /** max.incremental.fetch.session.cache.slots */
  maxFetchSessions?: number
  /** producer.id.expiration.ms, read when producer state is snapshotted (it is a dynamic config). */
  producerIdExpirationMs?: () => number
}

export async function openDataPath(dataDir: string, opts: DataPathOptions = {}): Promise<DataPath> {
  const producers = new ProducerStates(opts.producerIdExpirationMs)
  const fetchWaiters = new FetchWaiters()
  return {
    producers,
    producerIds: await ProducerIdManager.open(dataDir),
    fetchSessions: new FetchSessionCache({ maxSessions: opts.maxFetchSessions ?? 1000, evictionMs: 120_000 }),
    fetchWaiters,
    close: () => {
      fetchWaiters.close()
      return producers.close()
    },
  }
}

/** The key long-polling fetches wait on for one partition. */
export function waitKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`
}

/** Producer state of a partition, loaded from its snapshot and log (preloaded, or on first use). */
export function producersOf(dataPath: DataPath, log: PartitionLog): Promise<PartitionProducers> {
  return dataPath.producers.get(log, () => producerStateLog(log))
}

/** Partitions whose producer state loads at once in the background: each load is a chain of file reads. */
const PRELOAD_CONCURRENCY = 8

/**
 * Loads the producer state of `logs` in the background (at start-up, and when a partition is created), so
 * that the first READ_COMMITTED fetch or idempotent produce does not replay the log. Never rejects: a
 * failed load is retried, and reported, by the request that next needs it. Offline logs are left alone.
 */
export function preloadProducers(dataPath: DataPath, logs: readonly PartitionLog[]): Promise<void> {
  const entries = logs.filter((l) => !l.offline).map((l) => ({ key: l, log: () => producerStateLog(l) }))
  return dataPath.producers.preload(entries, PRELOAD_CONCURRENCY)
}

function producerStateLog(log: PartitionLog): ProducerStateLog {
  return {
    dir: log.dir,
    isClosed: () => log.closed,
    logEndOffset: () => log.logEndOffset,
    logStartOffset: () => log.logStartOffset,
    setFirstUnstableOffset: (offset) => log.setFirstUnstableOffset(offset),
    async *replay(from: bigint): AsyncGenerator<ReplayedBatch> {
      for await (const b of log.batchHeaders(from)) {
        yield {
          producerId: b.producerId,
          epoch: b.producerEpoch,
          baseSequence: b.baseSequence,
          lastOffsetDelta: b.lastOffsetDelta,
          maxTimestamp: b.maxTimestamp,
          baseOffset: b.baseOffset,
          isControl: (b.attributes & ATTR_CONTROL) !== 0,
          transactional: (b.attributes & ATTR_TRANSACTIONAL) !== 0,
        }
      }
    },
  }
}
