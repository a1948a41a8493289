// Wires the group coordinator into the broker: created with the broker state, then started once the state
// exists (it creates __consumer_offsets when absent and replays it; until then requests get
// COORDINATOR_LOAD_IN_PROGRESS), and stopped on shutdown.
import type { Logger } from 'pino'
import type { BrokerState } from '../server/broker-state.ts'
import type { BrokerConfig } from '../server/config.ts'
import { createTopic } from '../server/topic-admin.ts'
import { RecordType } from '../metadata/records.ts'
import type { LogManager } from '../storage/log-manager.ts'
import { systemClock } from './clock.ts'
import { GroupCoordinator } from './coordinator.ts'
import { groupConfigFrom } from './group-config.ts'
import { OFFSETS_TOPIC, OffsetsTopicLog, loadGroups } from './offsets-topic.ts'

export function createGroupCoordinator(
  config: BrokerConfig,
  logs: LogManager,
  log: Logger,
): GroupCoordinator {
  const groupConfig = groupConfigFrom(config)
  const existing = logs.partitions().filter((e) => e.topic === OFFSETS_TOPIC).length
  // An existing topic keeps its partition count: the group -> partition mapping depends on it.
  if (existing > 0) groupConfig.offsetsTopicPartitions = existing
  const glog = log.child({ component: 'groups' })
  return new GroupCoordinator({
    clock: systemClock,
    log: new OffsetsTopicLog(logs, groupConfig.offsetsTopicPartitions),
    config: groupConfig,
    onBackgroundError: (err) => glog.error({ err }, 'group coordinator background work failed'),
  })
}

/** Creates __consumer_offsets if absent, then loads the groups. Resolves when the coordinator serves. */
export async function startGroupCoordinator(state: BrokerState): Promise<void> {
  const coordinator = state.groups
  const log = state.log.child({ component: 'groups' })
  const partitions = coordinator.config.offsetsTopicPartitions
  if (!state.metadata.image.topicsByName.has(OFFSETS_TOPIC)) {
    const created = await createTopic(
      state,
      {
        name: OFFSETS_TOPIC,
        numPartitions: partitions,
        replicationFactor: 1,
        configs: [
          { name: 'cleanup.policy', value: 'compact' },
          { name: 'segment.bytes', value: state.config.get('offsets.topic.segment.bytes') ?? '104857600' },
          { name: 'compression.type', value: 'producer' },
        ],
      },
      { internal: true },
    )
    if (created.errorCode !== 0) throw new Error(`cannot create ${OFFSETS_TOPIC}: ${created.errorMessage}`)
  }
  await loadGroups(coordinator, state.logs, partitions, log)
  dropOffsetsOfDeletedTopics(state, log)
}

/**
 * Committed offsets follow their topic: those of topics deleted while the broker was down go once loaded,
 * those of a topic deleted later go when its RemoveTopic record is applied, so a topic recreated under the
 * same name starts without stale offsets.
 */
function dropOffsetsOfDeletedTopics(state: BrokerState, log: Logger): void {
  const { groups, metadata } = state
  const report = (err: unknown): void => log.error({ err }, 'offsets of a deleted topic could not be removed')
  const names = new Map<string, string>()
  for (const t of metadata.image.topicsByName.values()) names.set(t.id, t.name)
  const gone = new Set<string>()
  for (const g of groups.groups.values())
    for (const topic of g.offsets.keys()) if (!metadata.image.topicsByName.has(topic)) gone.add(topic)
  if (gone.size > 0) groups.removeTopics(gone).catch(report)
  metadata.onRecord((rec) => {
    if (rec.type === RecordType.TOPIC) names.set(rec.topicId, rec.name)
    else if (rec.type === RecordType.REMOVE_TOPIC) {
      const name = names.get(rec.topicId)
      names.delete(rec.topicId)
      if (name !== undefined) groups.removeTopics(new Set([name])).catch(report)
    }
  })
}
