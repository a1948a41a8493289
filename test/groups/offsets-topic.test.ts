// The coordinator over a real LogManager in a temp dir: records land in the group's __consumer_offsets
// partition in Kafka's format and a fresh coordinator replays them (tombstones, transactional batches and
// unreadable records included).
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { GroupCoordinator } from '../../broker/groups/coordinator.ts'
import { DEFAULT_GROUP_CONFIG } from '../../broker/groups/group-config.ts'
import { offsetsPartitionFor } from '../../broker/groups/java-hash.ts'
import { OFFSETS_TOPIC, OffsetsTopicLog, loadGroups } from '../../broker/groups/offsets-topic.ts'
import { buildControlBatch, buildRecordBatch } from '../../broker/protocol/records/builder.ts'
import { readAllBatches } from '../../broker/protocol/records/records.ts'
import { LogManager } from '../../broker/storage/log-manager.ts'
import { FakeClock } from './fakes.ts'

const PARTITIONS = 4
const quiet = pino({ level: 'silent' })
let dir: string
let logs: LogManager

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-groups-'))
  logs = await LogManager.open(dir)
  for (let p = 0; p < PARTITIONS; p++) await logs.createLog(OFFSETS_TOPIC, p)
})

afterEach(async () => {
  await logs.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

function coordinator(clock = new FakeClock()): GroupCoordinator {
  return new GroupCoordinator({
    clock,
    log: new OffsetsTopicLog(logs, PARTITIONS),
    config: { ...DEFAULT_GROUP_CONFIG, offsetsTopicPartitions: PARTITIONS },
  })
}

const commit = (gc: GroupCoordinator, groupId: string, partition: number, offset: bigint) =>
  gc.commitOffsets({
    groupId,
    generationId: -1,
    memberId: '',
    groupInstanceId: null,
    retentionTimeMs: -1,
    topics: [
      { name: 't', partitions: [{ partitionIndex: partition, offset, leaderEpoch: -1, metadata: 'x' }] },
    ],
  })

describe('__consumer_offsets persistence', () => {
  it("appends to the group's partition and replays into a fresh coordinator", async () => {
    const gc = coordinator()
    await loadGroups(gc, logs, PARTITIONS, quiet)
    expect(gc.loaded).toBe(true)
    await commit(gc, 'alpha', 0, 10n)
    await commit(gc, 'alpha', 0, 11n)
    await commit(gc, 'beta', 1, 7n)
    await commit(gc, 'gone', 0, 1n)
    await gc.deleteGroups(['gone'])

    const home = logs.getLog(OFFSETS_TOPIC, offsetsPartitionFor('alpha', PARTITIONS))!
    const read = await home.read(0n, 1 << 20)
    const keys = (await readAllBatches(read.records)).flatMap((b) =>
      b.records.map((r) => r.key?.readInt16BE(0)),
    )
    expect(keys).toContain(1) // OffsetCommitKey v1

    // Junk the coordinator must survive: a transactional batch and an unreadable record.
    const junk = logs.getLog(OFFSETS_TOPIC, 2)!
    await junk.append(
      await buildRecordBatch({
        records: [{ key: Buffer.from([0, 1, 0]), value: Buffer.from([1]) }],
      }),
    )
    await junk.append(
      await buildRecordBatch({
        records: [{ key: Buffer.from([0, 2, 0, 1, 0x7a]), value: null }],
        producerId: 5n,
        producerEpoch: 0,
        baseSequence: 0,
        transactional: true,
      }),
    )

    const fresh = coordinator()
    await loadGroups(fresh, logs, PARTITIONS, quiet)
    expect(fresh.fetchOffsets('alpha', null).topics[0]?.partitions[0]?.offset).toBe(11n)
    expect(fresh.fetchOffsets('beta', null).topics[0]?.partitions[0]).toMatchObject({
      partitionIndex: 1,
      offset: 7n,
    })
    expect(fresh.groups.has('gone')).toBe(false)
    expect([...fresh.groups.keys()].sort()).toEqual(['alpha', 'beta'])
  })

  it('replays transactional offset commits by their markers: commit applies, abort drops, none stays pending', async () => {
    const gc = coordinator()
    await loadGroups(gc, logs, PARTITIONS, quiet)
    const txn = (producerId: bigint, partition: number, offset: bigint) =>
      gc.txnCommitOffsets({
        groupId: 'txg',
        generationId: -1,
        memberId: '',
        groupInstanceId: null,
        producerId,
        producerEpoch: 0,
        topics: [
          { name: 't', partitions: [{ partitionIndex: partition, offset, leaderEpoch: -1, metadata: null }] },
        ],
      })
    await txn(1n, 0, 100n)
    await txn(2n, 1, 200n)
    await txn(3n, 2, 300n)
    const home = logs.getLog(OFFSETS_TOPIC, offsetsPartitionFor('txg', PARTITIONS))!
    const marker = (producerId: bigint, commit: boolean) =>
      home.append(
        buildControlBatch({ producerId, producerEpoch: 0, commit, coordinatorEpoch: 0, timestamp: 0 }),
      )
    await marker(1n, true)
    await marker(2n, false)

    const fresh = coordinator()
    await loadGroups(fresh, logs, PARTITIONS, quiet)
    const parts = fresh.fetchOffsets('txg', [{ name: 't', partitions: [0, 1, 2] }], true).topics[0]!
      .partitions
    expect(parts.map((p) => [p.offset, p.errorCode])).toEqual([
      [100n, 0],
      [-1n, 0],
      [-1n, 88], // UNSTABLE_OFFSET_COMMIT: producer 3 has no marker yet
    ])
    fresh.completeTransaction('txg', 3n, true)
    expect(
      fresh.fetchOffsets('txg', [{ name: 't', partitions: [2] }], true).topics[0]!.partitions[0]!.offset,
    ).toBe(300n)
  })
})
