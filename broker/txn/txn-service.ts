// Wires the transaction coordinator into the broker: created with the broker state, started once the state
// exists (reads __transaction_state back when it exists, waits for the group coordinator so that
// transactional offsets can be completed, then finishes the transactions a crash left prepared), and
// stopped on shutdown.
import type { BrokerState } from '../server/broker-state.ts'
import { createTopic } from '../server/topic-admin.ts'
import { offsetsPartitionFor } from '../groups/java-hash.ts'
import { OFFSETS_TOPIC } from '../groups/offsets-topic.ts'
import type { LogManager } from '../storage/log-manager.ts'
import type { BrokerConfig } from '../server/config.ts'
import { TransactionCoordinator } from './coordinator.ts'
import { writeMarker } from './markers.ts'
import { TXN_STATE_TOPIC, TxnStateLog } from './txn-log.ts'

function stateLogPartitions(config: BrokerConfig, logs: LogManager): number {
  const existing = logs.partitions().filter((e) => e.topic === TXN_STATE_TOPIC).length
  // An existing topic keeps its partition count: the id -> partition mapping depends on it.
  return existing > 0 ? existing : config.int('transaction.state.log.num.partitions')
}

export interface TxnService {
  coordinator: TransactionCoordinator
  stateLog: TxnStateLog
}

/** `state` is read only once requests arrive (it is the object this coordinator becomes part of). */
export function createTransactionCoordinator(
  config: BrokerConfig,
  logs: LogManager,
  state: () => BrokerState,
): TransactionCoordinator {
  const stateLog = new TxnStateLog(logs, stateLogPartitions(config, logs))
  let topicReady: Promise<void> | undefined
  const coordinator = new TransactionCoordinator({
    allocateProducerId: () => state().dataPath.producerIds.allocate(),
    writeMarker: (topic, partition, marker) => writeMarker(logs, state().dataPath, topic, partition, marker),
    completeGroupTxn: (groupId, producerId, commit) =>
      state().groups.completeTransaction(groupId, producerId, commit),
    offsetsPartitionOf: (groupId) => {
      const t = state().metadata.image.topicsByName.get(OFFSETS_TOPIC)
      return t === undefined
        ? null
        : { topic: OFFSETS_TOPIC, partition: offsetsPartitionFor(groupId, t.partitions.length) }
    },
    groupsOfPartition: (topic, partition) => {
      const t = state().metadata.image.topicsByName.get(OFFSETS_TOPIC)
      if (topic !== OFFSETS_TOPIC || t === undefined) return []
      return [...state().groups.groups.keys()].filter(
        (g) => offsetsPartitionFor(g, t.partitions.length) === partition,
      )
    },
    partitionExists: (topic, partition) => {
      const t = state().metadata.image.topicsByName.get(topic)
      return t !== undefined && partition >= 0 && partition < t.partitions.length
    },
    persist: async (id, meta) => {
      topicReady ??= createStateTopic(state()).catch((err: unknown) => {
        topicReady = undefined
        throw err
      })
      await topicReady
      await stateLog.append(id, meta)
    },
    maxTimeoutMs: () => config.int('transaction.max.timeout.ms'),
    idExpirationMs: () => config.int('transactional.id.expiration.ms'),
    now: () => Date.now(),
    warn: (message, fields) => state().log.warn({ component: 'txn', ...fields }, message),
  })
  stateLogs.set(coordinator, stateLog)
  return coordinator
}

const stateLogs = new WeakMap<TransactionCoordinator, TxnStateLog>()

/**
 * Loads __transaction_state when it exists (it is created on the first write, as Kafka creates it on the
 * first transactional lookup), completes the transactions a crash left prepared, starts the sweep.
 */
export async function startTransactionCoordinator(state: BrokerState): Promise<void> {
  const coordinator = state.txn
  const stateLog = stateLogs.get(coordinator)
  if (stateLog === undefined) throw new Error('transaction coordinator was not created by this module')
  const log = state.log.child({ component: 'txn' })
  let loadedIds = 0
  if (state.metadata.image.topicsByName.has(TXN_STATE_TOPIC)) {
    const all = await stateLog.load((partition, err) =>
      log.warn({ partition, err: err.message }, 'unreadable transaction state record skipped'),
    )
    for (const meta of all.values()) coordinator.restore(meta)
    loadedIds = all.size
    // Markers on __consumer_offsets complete the groups' pending offsets, so those must be loaded first.
    while (!state.groups.loaded && !state.groups.stopped) await new Promise((r) => setTimeout(r, 20))
  }
  coordinator.loaded = true
  await coordinator.completePending()
  coordinator.start(state.config.int('transaction.abort.timed.out.transaction.cleanup.interval.ms'))
  log.info({ transactionalIds: loadedIds }, 'transaction coordinator loaded')
}

/** Creates __transaction_state unless it exists. */
async function createStateTopic(state: BrokerState): Promise<void> {
  if (state.metadata.image.topicsByName.has(TXN_STATE_TOPIC)) return
  const created = await createTopic(
    state,
    {
      name: TXN_STATE_TOPIC,
      numPartitions: state.config.int('transaction.state.log.num.partitions'),
      replicationFactor: 1,
      configs: [
        { name: 'cleanup.policy', value: 'compact' },
        {
          name: 'segment.bytes',
          value: state.config.get('transaction.state.log.segment.bytes') ?? '104857600',
        },
        { name: 'compression.type', value: 'producer' },
      ],
    },
    { internal: true },
  )
  // A concurrent creation (another request got there first) is as good as ours.
  if (created.errorCode !== 0 && !state.metadata.image.topicsByName.has(TXN_STATE_TOPIC))
    throw new Error(`cannot create ${TXN_STATE_TOPIC}: ${created.errorMessage}`)
}
