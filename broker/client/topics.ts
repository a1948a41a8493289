// Topics: list (with partition counts, sizes, message counts), create, delete, add partitions, configs.
import type { ClusterClient } from './cluster-client.ts'
import { AdminError } from './errors.ts'
import { run } from './run.ts'
import { partitionSizes } from './log-dirs.ts'
import { topicsBounds } from './offsets.ts'
import type { ConfigEntry, CreateTopicSpec, TopicSummary } from './types.ts'

const TOPIC_RESOURCE = 2
const configSourceNames: Record<number, string> = {
  0: 'unknown',
  1: 'topic',
  2: 'dynamic-broker',
  3: 'dynamic-default-broker',
  4: 'static-broker',
  5: 'default',
  6: 'dynamic-broker-logger',
  7: 'client-metrics',
  8: 'group',
}

export function isInternalTopic(name: string): boolean {
  return name.startsWith('__')
}

export function listTopics(
  client: ClusterClient,
  options: { includeInternal: boolean },
): Promise<TopicSummary[]> {
  return run(async () => {
    const admin = client.admin
    const names = await admin.listTopics({ includeInternals: options.includeInternal })
    if (names.length === 0) return []
    const metadata = await admin.metadata({ topics: names, forceUpdate: true })
    const shapes = names.map((name) => {
      const topic = metadata.topics.get(name)
      const partitions = topic ? topic.partitions.map((_, i) => i) : []
      return { name, partitions, replicationFactor: topic?.partitions[0]?.replicas.length ?? 0 }
    })
    const [sizes, bounds] = await Promise.all([partitionSizes(admin, shapes), topicsBounds(admin, shapes)])
    return shapes
      .map((shape): TopicSummary => {
        let count = 0n
        for (const b of bounds.get(shape.name)?.values() ?? []) count += b.highWatermark - b.logStart
        let size: bigint | null = sizes ? 0n : null
        if (sizes && size !== null) for (const s of sizes.get(shape.name)?.values() ?? []) size += s
        return {
          name: shape.name,
          internal: isInternalTopic(shape.name),
          partitions: shape.partitions.length,
          replicationFactor: shape.replicationFactor,
          sizeBytes: size === null ? null : size.toString(),
          messageCount: count.toString(),
        }
      })
      .sort((a, b) => a.name.localeCompare(b.name))
  })
}

export function createTopic(client: ClusterClient, spec: CreateTopicSpec): Promise<void> {
  return run(async () => {
    await client.admin.createTopics({
      topics: [spec.name],
      partitions: spec.partitions,
      replicas: spec.replicationFactor,
      configs: Object.entries(spec.configs).map(([name, value]) => ({ name, value })),
    })
  })
}

export function deleteTopics(client: ClusterClient, names: string[]): Promise<void> {
  return run(() => client.admin.deleteTopics({ topics: names }))
}

/** The topic's partition count, fresh from the cluster; never creates the topic. */
export async function topicPartitionCount(client: ClusterClient, topic: string): Promise<number> {
  const metadata = await client.admin.metadata({
    topics: [topic],
    forceUpdate: true,
    autocreateTopics: false,
  })
  const count = metadata.topics.get(topic)?.partitionsCount
  if (count === undefined) throw new AdminError('not-found', `Unknown topic ${topic}.`)
  return count
}

/** Raises the partition count to `totalPartitions` (Kafka never lowers it). */
export function addPartitions(client: ClusterClient, topic: string, totalPartitions: number): Promise<void> {
  return run(async () => {
    const current = await topicPartitionCount(client, topic)
    if (totalPartitions <= current)
      throw new AdminError(
        'invalid-argument',
        `Topic ${topic} already has ${current} partitions; the new count must be higher (Kafka cannot remove partitions).`,
      )
    await client.admin.createPartitions({ topics: [{ name: topic, count: totalPartitions }] })
  })
}

/**
 * A broker synonym's value in the topic config's unit: `log.retention.hours=168` is the default of
 * `retention.ms`, so it reads 604800000 there.
 */
function inTopicUnits(synonym: string, value: string | null): string | null {
  if (value === null || !/^-?\d+$/.test(value) || value.startsWith('-')) return value
  if (synonym.endsWith('.hours')) return (BigInt(value) * 3_600_000n).toString()
  if (synonym.endsWith('.minutes')) return (BigInt(value) * 60_000n).toString()
  return value
}

export function describeTopicConfigs(client: ClusterClient, topic: string): Promise<ConfigEntry[]> {
  return run(async () => {
    const [described] = await client.admin.describeConfigs({
      resources: [{ resourceType: TOPIC_RESOURCE, resourceName: topic }],
      includeSynonyms: true,
      includeDocumentation: true,
    })
    if (!described) throw new AdminError('not-found', `No configs returned for topic ${topic}.`)
    return described.configs
      .map((c): ConfigEntry => {
        const source = configSourceNames[c.configSource] ?? 'unknown'
        const fallback = c.synonyms.find((s) => s.source !== 1)
        const fallbackValue = fallback ? inTopicUnits(fallback.name, fallback.value ?? null) : null
        return {
          name: c.name,
          value: c.value ?? null,
          source,
          isDefault: c.configSource !== 1,
          readOnly: c.readOnly,
          sensitive: c.isSensitive,
          defaultValue: c.configSource === 1 ? fallbackValue : (c.value ?? null),
          documentation: c.documentation ?? null,
        }
      })
      .sort((a, b) => a.name.localeCompare(b.name))
  })
}

/** Sets the given overrides and removes those named in `reset` (back to the default). */
export function alterTopicConfigs(
  client: ClusterClient,
  topic: string,
  change: { set: Record<string, string>; reset: string[] },
): Promise<void> {
  return run(() =>
    client.admin.incrementalAlterConfigs({
      resources: [
        {
          resourceType: TOPIC_RESOURCE,
          resourceName: topic,
          configs: [
            ...Object.entries(change.set).map(([name, value]) => ({
              name,
              value,
              configOperation: 0 as const,
            })),
            ...change.reset.map((name) => ({ name, configOperation: 1 as const })),
          ],
        },
      ],
    }),
  )
}
