// Consumer groups: list, describe (members, assignments, lag), reset offsets with a preview, delete the
// group or some of its committed offsets.
import type { ClusterClient } from './cluster-client.ts'
import { AdminError } from './errors.ts'
import { LATEST, partitionBounds, partitionOffsets } from './offsets.ts'
import { run } from './run.ts'
import type { GroupDetail, GroupSummary, OffsetChange, ResetSpec } from './types.ts'

/** States in which a group has no live members, so its offsets may be changed. */
const INACTIVE_STATES = new Set(['Empty', 'Dead', 'EMPTY', 'DEAD'])

export function listGroups(client: ClusterClient): Promise<GroupSummary[]> {
  return run(async () => {
    const groups = await client.admin.listGroups()
    return [...groups.values()]
      .map((g) => ({
        groupId: g.id,
        state: String(g.state),
        protocolType: g.protocolType,
        groupType: g.groupType ?? null,
      }))
      .sort((a, b) => a.groupId.localeCompare(b.groupId))
  })
}

async function committedOffsets(
  client: ClusterClient,
  groupId: string,
): Promise<Map<string, Map<number, bigint>>> {
  const [listed] = await client.admin.listConsumerGroupOffsets({ groups: [groupId] })
  const byTopic = new Map<string, Map<number, bigint>>()
  for (const topic of listed?.topics ?? []) {
    const partitions = new Map<number, bigint>()
    for (const p of topic.partitions)
      if (p.committedOffset >= 0n) partitions.set(p.partitionIndex, p.committedOffset)
    if (partitions.size > 0) byTopic.set(topic.name, partitions)
  }
  return byTopic
}

export function describeGroup(client: ClusterClient, groupId: string): Promise<GroupDetail> {
  return run(async () => {
    const described = (await client.admin.describeGroups({ groups: [groupId] })).get(groupId)
    if (!described) throw new AdminError('not-found', `Group ${groupId} does not exist.`)
    const committed = await committedOffsets(client, groupId)
    const offsets: GroupDetail['offsets'] = []
    let totalLag = 0n
    for (const [topic, partitions] of [...committed].sort((a, b) => a[0].localeCompare(b[0]))) {
      const ends = await partitionOffsets(client.admin, topic, [...partitions.keys()], LATEST)
      for (const [partition, offset] of [...partitions].sort((a, b) => a[0] - b[0])) {
        const hw = ends.get(partition) ?? offset
        const lag = hw > offset ? hw - offset : 0n
        totalLag += lag
        offsets.push({
          topic,
          partition,
          committedOffset: offset.toString(),
          highWatermark: hw.toString(),
          lag: lag.toString(),
        })
      }
    }
    return {
      groupId,
      state: String(described.state),
      protocolType: described.protocolType,
      protocol: described.protocol,
      members: [...described.members.values()].map((m) => ({
        memberId: m.id,
        clientId: m.clientId,
        clientHost: m.clientHost,
        groupInstanceId: m.groupInstanceId ?? null,
        assignments: [...(m.assignments?.values() ?? [])].map((a) => ({
          topic: a.topic,
          partitions: [...a.partitions],
        })),
      })),
      offsets,
      totalLag: totalLag.toString(),
    }
  })
}

/** What a reset would change: old and new offset per partition. Changes nothing. */
export function previewResetOffsets(client: ClusterClient, spec: ResetSpec): Promise<OffsetChange[]> {
  return run(() => computeReset(client, spec))
}

/** Applies a reset; refused while the group has live members (they would overwrite it). */
export function applyResetOffsets(client: ClusterClient, spec: ResetSpec): Promise<OffsetChange[]> {
  return run(async () => {
    await assertInactive(client, spec.groupId, 'reset its offsets')
    const changes = await computeReset(client, spec)
    const byTopic = new Map<string, { partition: number; offset: bigint }[]>()
    for (const c of changes)
      byTopic.set(c.topic, [
        ...(byTopic.get(c.topic) ?? []),
        { partition: c.partition, offset: BigInt(c.newOffset) },
      ])
    if (byTopic.size > 0)
      await client.admin.alterConsumerGroupOffsets({
        groupId: spec.groupId,
        topics: [...byTopic].map(([name, partitionOffsets]) => ({ name, partitionOffsets })),
      })
    return changes
  })
}

async function assertInactive(client: ClusterClient, groupId: string, action: string): Promise<void> {
  const described = (await client.admin.describeGroups({ groups: [groupId] })).get(groupId)
  if (!described) return
  if (described.members.size > 0 || !INACTIVE_STATES.has(String(described.state)))
    throw new AdminError(
      'group-active',
      `Group ${groupId} is active (${String(described.state)}, ${described.members.size} member(s)): stop its consumers before you ${action}.`,
      { state: String(described.state), members: described.members.size },
    )
}

async function computeReset(client: ClusterClient, spec: ResetSpec): Promise<OffsetChange[]> {
  const committed = await committedOffsets(client, spec.groupId)
  const topics = spec.topics ?? [...committed.keys()]
  if (topics.length === 0)
    throw new AdminError(
      'invalid-argument',
      `Group ${spec.groupId} has no committed offsets; choose the topics to reset.`,
    )
  const metadata = await client.admin.metadata({ topics, forceUpdate: true })
  const changes: OffsetChange[] = []
  for (const topic of [...topics].sort()) {
    const described = metadata.topics.get(topic)
    if (!described) throw new AdminError('not-found', `Topic ${topic} does not exist.`)
    const partitions = described.partitions.map((_, i) => i)
    const bounds = await partitionBounds(client.admin, topic, partitions)
    const atTime =
      spec.to.kind === 'timestamp'
        ? await partitionOffsets(client.admin, topic, partitions, BigInt(spec.to.timestamp))
        : null
    for (const partition of partitions) {
      const b = bounds.get(partition)!
      const old = committed.get(topic)?.get(partition) ?? null
      let target: bigint
      switch (spec.to.kind) {
        case 'earliest':
          target = b.logStart
          break
        case 'latest':
          target = b.highWatermark
          break
        case 'timestamp': {
          const found = atTime?.get(partition) ?? -1n
          target = found < 0n ? b.highWatermark : found
          break
        }
        case 'offset':
          target = BigInt(spec.to.offset)
          break
        case 'shift':
          // Shifting needs a starting point; a partition never committed shifts from the log start.
          target = (old ?? b.logStart) + BigInt(spec.to.by)
          break
      }
      // Like kafka-consumer-groups: offsets outside the log are clamped to its bounds.
      if (target < b.logStart) target = b.logStart
      if (target > b.highWatermark) target = b.highWatermark
      changes.push({
        topic,
        partition,
        oldOffset: old === null ? null : old.toString(),
        newOffset: target.toString(),
      })
    }
  }
  return changes
}

export function deleteGroup(client: ClusterClient, groupId: string): Promise<void> {
  return run(async () => {
    await assertInactive(client, groupId, 'delete it')
    await client.admin.deleteGroups({ groups: [groupId] })
  })
}

/** Deletes the group's committed offsets for the given partitions (all of a topic's when partitions is null). */
export function deleteGroupOffsets(
  client: ClusterClient,
  spec: { groupId: string; topics: { topic: string; partitions: number[] | null }[] },
): Promise<void> {
  return run(async () => {
    const committed = await committedOffsets(client, spec.groupId)
    const topics = spec.topics.map((t) => ({
      name: t.topic,
      partitionIndexes: t.partitions ?? [...(committed.get(t.topic)?.keys() ?? [])],
    }))
    await client.admin.deleteConsumerGroupOffsets({ groupId: spec.groupId, topics })
  })
}
