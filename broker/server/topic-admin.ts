// Topic lifecycle shared by the admin APIs, Metadata's auto-creation and the coordinators (which create
// __consumer_offsets / __transaction_state with `internal: true`). Each operation validates against the
// image, commits metadata records (fsynced before the caller answers), then creates or deletes the
// partition logs. Errors come back as Kafka error codes with Kafka's messages, never as throws.
import { ErrorCode } from '../protocol/errors.ts'
import type { TopicState } from '../metadata/image.ts'
import { ConfigResourceType, RecordType, type MetadataRecord } from '../metadata/records.ts'
import { collisionKey, isInternalTopic, newTopicId, topicNameProblem } from '../metadata/topic-rules.ts'
import { validateTopicConfig } from '../storage/log-config.ts'
import type { PartitionLog } from '../storage/partition-log.ts'
import type { BrokerState } from './broker-state.ts'
import { preloadProducers } from './data-path.ts'
import { logConfigFor } from './topic-configs.ts'

/** Most partitions one topic may have here: each is a directory with open files. */
export const MAX_PARTITIONS_PER_TOPIC = 10_000

export interface AdminError {
  errorCode: number
  errorMessage: string | null
}

export const OK: AdminError = { errorCode: ErrorCode.NONE, errorMessage: null }

function fail(errorCode: number, errorMessage: string): AdminError {
  return { errorCode, errorMessage }
}

export interface NewTopicSpec {
  name: string
  /** -1 = num.partitions */
  numPartitions: number
  /** -1 = default.replication.factor */
  replicationFactor: number
  /** Manual assignment: partition index -> broker ids (then both counts must be -1). */
  assignments?: { partitionIndex: number; brokerIds: readonly number[] }[]
  configs?: { name: string; value: string | null }[]
}

export type CreateTopicResult =
  | (AdminError & { errorCode: 0; topicId: string; numPartitions: number; replicationFactor: number })
  | (AdminError & { topicId?: undefined })

function checkReplication(rf: number): AdminError {
  if (rf <= 0 || rf > 32767) {
    return fail(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      'Replication factor must be larger than 0, or -1 to use the default value.',
    )
  }
  if (rf > 1) {
    return fail(
      ErrorCode.INVALID_REPLICATION_FACTOR,
      `Unable to replicate the partition ${rf} time(s): The target replication factor of ${rf} cannot be reached because only 1 broker(s) are registered.`,
    )
  }
  return OK
}

function checkAssignments(
  broker: BrokerState,
  assignments: NonNullable<NewTopicSpec['assignments']>,
  firstPartition: number,
): AdminError {
  const seen = new Set<number>()
  for (const a of assignments) {
    if (a.brokerIds.length === 0)
      return fail(ErrorCode.INVALID_REPLICA_ASSIGNMENT, `Partition ${a.partitionIndex} has no replicas.`)
    if (new Set(a.brokerIds).size !== a.brokerIds.length) {
      return fail(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Partition ${a.partitionIndex} has duplicate replicas.`,
      )
    }
    const unknown = a.brokerIds.find((b) => b !== broker.nodeId)
    if (unknown !== undefined) {
      return fail(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `The manual partition assignment includes broker ${unknown}, but no such broker is registered.`,
      )
    }
    seen.add(a.partitionIndex)
  }
  for (let p = firstPartition; p < firstPartition + assignments.length; p++) {
    if (!seen.has(p)) {
      return fail(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Partitions should be numbered consecutively starting at ${firstPartition}.`,
      )
    }
  }
  return OK
}

function partitionRecords(topicId: string, from: number, to: number, nodeId: number): MetadataRecord[] {
  const out: MetadataRecord[] = []
  for (let p = from; p < to; p++) {
    out.push({
      type: RecordType.PARTITION,
      partitionId: p,
      topicId,
      replicas: [nodeId],
      isr: [nodeId],
      leader: nodeId,
      leaderEpoch: 0,
      partitionEpoch: 0,
    })
  }
  return out
}

// Creations whose partition logs are still being opened, so a concurrent request for the same topic
// (auto-creation from two producers) can wait for it instead of answering before the logs exist.
const creating = new WeakMap<BrokerState, Map<string, Promise<unknown>>>()

/** Resolves once a creation of `name` that is under way has finished (at once when none is). */
export async function topicReady(broker: BrokerState, name: string): Promise<void> {
  await creating
    .get(broker)
    ?.get(name)
    ?.catch(() => undefined)
}

/** Validates (and unless validateOnly, creates) one topic. */
export async function createTopic(
  broker: BrokerState,
  spec: NewTopicSpec,
  opts: { validateOnly?: boolean; internal?: boolean } = {},
): Promise<CreateTopicResult> {
  let pending = creating.get(broker)
  if (!pending) {
    pending = new Map()
    creating.set(broker, pending)
  }
  const other = pending.get(spec.name)
  if (other) await other.catch(() => undefined)
  const run = doCreateTopic(broker, spec, opts)
  if (!opts.validateOnly) {
    pending.set(spec.name, run)
    void run
      .finally(() => {
        if (pending.get(spec.name) === run) pending.delete(spec.name)
      })
      .catch(() => undefined)
  }
  return run
}

async function doCreateTopic(
  broker: BrokerState,
  spec: NewTopicSpec,
  opts: { validateOnly?: boolean; internal?: boolean } = {},
): Promise<CreateTopicResult> {
  const image = broker.metadata.image
  const nameProblem = topicNameProblem(spec.name)
  if (nameProblem) return fail(ErrorCode.INVALID_TOPIC_EXCEPTION, nameProblem)
  if (image.topicsByName.has(spec.name)) {
    return fail(ErrorCode.TOPIC_ALREADY_EXISTS, `Topic '${spec.name}' already exists.`)
  }
  if (isInternalTopic(spec.name) && !opts.internal) {
    return fail(ErrorCode.INVALID_REQUEST, `Creation of internal topic ${spec.name} is prohibited.`)
  }
  const key = collisionKey(spec.name)
  for (const other of image.topicsByName.keys()) {
    if (collisionKey(other) === key) {
      return fail(
        ErrorCode.INVALID_TOPIC_EXCEPTION,
        `Topic '${spec.name}' collides with existing topic: ${other}`,
      )
    }
  }
  let numPartitions: number
  let replicationFactor: number
  const assignments = spec.assignments ?? []
  if (assignments.length > 0) {
    if (spec.numPartitions !== -1 || spec.replicationFactor !== -1) {
      return fail(
        ErrorCode.INVALID_REQUEST,
        'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.',
      )
    }
    const problem = checkAssignments(broker, assignments, 0)
    if (problem.errorCode !== 0) return problem
    numPartitions = assignments.length
    replicationFactor = assignments[0]?.brokerIds.length ?? 1
  } else {
    numPartitions = spec.numPartitions === -1 ? broker.config.int('num.partitions') : spec.numPartitions
    replicationFactor =
      spec.replicationFactor === -1 ? broker.config.int('default.replication.factor') : spec.replicationFactor
    if (numPartitions <= 0) {
      return fail(
        ErrorCode.INVALID_PARTITIONS,
        'Number of partitions was set to an invalid non-positive value.',
      )
    }
    const rf = checkReplication(replicationFactor)
    if (rf.errorCode !== 0) return rf
  }
  if (numPartitions > MAX_PARTITIONS_PER_TOPIC) {
    return fail(
      ErrorCode.INVALID_PARTITIONS,
      `Number of partitions ${numPartitions} is above this broker's limit of ${MAX_PARTITIONS_PER_TOPIC}.`,
    )
  }
  const configs = new Map<string, string>()
  for (const c of spec.configs ?? []) {
    if (c.value === null) {
      return fail(ErrorCode.INVALID_CONFIG, `Null value not supported for topic configs: ${c.name}`)
    }
    const problem = validateTopicConfig(c.name, c.value)
    if (problem) return fail(ErrorCode.INVALID_CONFIG, problem)
    configs.set(c.name, c.value.trim())
  }
  let logConfig
  try {
    logConfig = logConfigFor(broker.config, configs)
  } catch (err) {
    return fail(ErrorCode.INVALID_CONFIG, (err as Error).message)
  }
  if (opts.validateOnly) {
    return { ...OK, errorCode: 0, topicId: '', numPartitions, replicationFactor }
  }

  const topicId = newTopicId((id) => image.topicsById.has(id))
  const records: MetadataRecord[] = [{ type: RecordType.TOPIC, name: spec.name, topicId }]
  for (const [name, value] of configs) {
    records.push({
      type: RecordType.CONFIG,
      resourceType: ConfigResourceType.TOPIC,
      resourceName: spec.name,
      name,
      value,
    })
  }
  records.push(...partitionRecords(topicId, 0, numPartitions, broker.nodeId))
  await broker.metadata.commit(records)
  const created: PartitionLog[] = []
  for (let p = 0; p < numPartitions; p++) created.push(await broker.logs.createLog(spec.name, p, logConfig))
  // A new log has nothing to replay: its producer state is ready before the first produce or fetch.
  void preloadProducers(broker.dataPath, created)
  broker.log.info({ topic: spec.name, topicId, partitions: numPartitions }, 'topic created')
  return { ...OK, errorCode: 0, topicId, numPartitions, replicationFactor }
}

/** Finds a topic by name or (when the name is null/empty) by id. */
export function findTopic(
  broker: BrokerState,
  name: string | null,
  topicId: string | null,
): { topic: TopicState } | AdminError {
  const image = broker.metadata.image
  if (name !== null && name !== '') {
    const t = image.topicsByName.get(name)
    return t
      ? { topic: t }
      : fail(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, 'This server does not host this topic-partition.')
  }
  const t = topicId === null ? undefined : image.topicsById.get(topicId)
  return t ? { topic: t } : fail(ErrorCode.UNKNOWN_TOPIC_ID, 'This server does not host this topic ID.')
}

export async function deleteTopic(broker: BrokerState, topic: TopicState): Promise<AdminError> {
  if (!broker.config.bool('delete.topic.enable')) {
    return fail(ErrorCode.TOPIC_DELETION_DISABLED, 'Topic deletion is disabled.')
  }
  if (broker.metadata.image.topicsById.get(topic.id) !== topic) return OK
  await broker.metadata.commit([{ type: RecordType.REMOVE_TOPIC, topicId: topic.id }])
  await broker.logs.deleteLogs(topic.name)
  broker.log.info({ topic: topic.name, topicId: topic.id }, 'topic deleted')
  return OK
}

/** Raises a topic's partition count to `count`. */
export async function createPartitions(
  broker: BrokerState,
  topic: TopicState,
  count: number,
  assignments: { brokerIds: readonly number[] }[] | null,
  validateOnly: boolean,
): Promise<AdminError> {
  const current = topic.partitions.length
  if (count < current) {
    return fail(
      ErrorCode.INVALID_PARTITIONS,
      `The topic ${topic.name} currently has ${current} partition(s); ${count} would not be an increase.`,
    )
  }
  if (count === current) {
    return fail(ErrorCode.INVALID_PARTITIONS, `Topic already has ${current} partition(s).`)
  }
  if (count > MAX_PARTITIONS_PER_TOPIC) {
    return fail(
      ErrorCode.INVALID_PARTITIONS,
      `Number of partitions ${count} is above this broker's limit of ${MAX_PARTITIONS_PER_TOPIC}.`,
    )
  }
  if (assignments !== null) {
    if (assignments.length !== count - current) {
      return fail(
        ErrorCode.INVALID_REPLICA_ASSIGNMENT,
        `Attempted to add ${count - current} additional partition(s), but only ${assignments.length} assignment(s) were specified.`,
      )
    }
    const problem = checkAssignments(
      broker,
      assignments.map((a, i) => ({ partitionIndex: current + i, brokerIds: a.brokerIds })),
      current,
    )
    if (problem.errorCode !== 0) return problem
  }
  if (validateOnly) return OK
  await broker.metadata.commit(partitionRecords(topic.id, current, count, broker.nodeId))
  const config = logConfigFor(broker.config, topic.configs)
  const created: PartitionLog[] = []
  for (let p = current; p < count; p++) created.push(await broker.logs.createLog(topic.name, p, config))
  void preloadProducers(broker.dataPath, created)
  broker.log.info({ topic: topic.name, from: current, to: count }, 'partitions added')
  return OK
}
