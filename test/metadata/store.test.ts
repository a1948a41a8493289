import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import pino from 'pino'
import { afterEach, describe, expect, it } from 'vitest'
import { METADATA_DIR, MetadataStore } from '../../broker/metadata/store.ts'
import { ConfigResourceType, RecordType, type MetadataRecord } from '../../broker/metadata/records.ts'

const log = pino({ level: 'silent' })
const dirs: string[] = []
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-meta-'))
  dirs.push(d)
  return d
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

const ID = Buffer.alloc(16, 7).toString('base64url')
function topic(name: string, id: string, partitions: number): MetadataRecord[] {
  const recs: MetadataRecord[] = [{ type: RecordType.TOPIC, name, topicId: id }]
  for (let p = 0; p < partitions; p++) {
    recs.push({
      type: RecordType.PARTITION,
      partitionId: p,
      topicId: id,
      replicas: [1],
      isr: [1],
      leader: 1,
      leaderEpoch: 0,
      partitionEpoch: 0,
    })
  }
  return recs
}

describe('MetadataStore', () => {
  it('replays committed records after reopening', async () => {
    const dir = tmp()
    const s = await MetadataStore.open(dir, log)
    await s.commit(topic('a', ID, 3))
    await s.commit([
      {
        type: RecordType.CONFIG,
        resourceType: ConfigResourceType.TOPIC,
        resourceName: 'a',
        name: 'retention.ms',
        value: '1000',
      },
    ])
    // No close: as after a crash, only the log is there.
    const again = await MetadataStore.open(dir, log)
    const t = again.image.topicsByName.get('a')
    expect(t?.id).toBe(ID)
    expect(t?.partitions.length).toBe(3)
    expect(t?.configs.get('retention.ms')).toBe('1000')
    expect(again.nextOffset).toBe(5n)
    await again.close()
    await s.close()
  })

  it('snapshots on close and deletes the topic on RemoveTopicRecord', async () => {
    const dir = tmp()
    const s = await MetadataStore.open(dir, log)
    await s.commit(topic('a', ID, 1))
    await s.commit(topic('b', Buffer.alloc(16, 9).toString('base64url'), 2))
    await s.commit([{ type: RecordType.REMOVE_TOPIC, topicId: ID }])
    await s.close()
    const files = fs.readdirSync(path.join(dir, METADATA_DIR))
    expect(files.some((f) => f.endsWith('.checkpoint'))).toBe(true)
    const again = await MetadataStore.open(dir, log)
    expect([...again.image.topicsByName.keys()]).toEqual(['b'])
    expect(again.nextOffset).toBe(6n)
    await again.commit(topic('c', ID, 1))
    await again.close()
    const third = await MetadataStore.open(dir, log)
    expect([...third.image.topicsByName.keys()].sort()).toEqual(['b', 'c'])
    await third.close()
  })

  it('truncates a torn batch at the end of the log', async () => {
    const dir = tmp()
    const s = await MetadataStore.open(dir, log)
    await s.commit(topic('a', ID, 1))
    const seg = path.join(
      dir,
      METADATA_DIR,
      fs.readdirSync(path.join(dir, METADATA_DIR)).find((f) => f.endsWith('.log'))!,
    )
    const good = fs.statSync(seg).size
    await s.commit(topic('b', Buffer.alloc(16, 9).toString('base64url'), 1))
    fs.truncateSync(seg, fs.statSync(seg).size - 5)
    const again = await MetadataStore.open(dir, log)
    expect([...again.image.topicsByName.keys()]).toEqual(['a'])
    expect(fs.statSync(seg).size).toBe(good)
    await again.close()
    await s.close()
  })

  it('snapshots after many records and drops the segments the snapshot covers', async () => {
    const dir = tmp()
    const s = await MetadataStore.open(dir, log)
    await s.commit(topic('big', ID, 1200))
    await s.commit(topic('after', Buffer.alloc(16, 9).toString('base64url'), 1))
    // The snapshot is written in the background after the big commit, from the image at that moment
    // (which may already hold the later commit); a later commit's write queues behind it.
    const files = fs.readdirSync(path.join(dir, METADATA_DIR)).sort()
    expect(files.filter((f) => f.endsWith('.checkpoint'))).toHaveLength(1)
    expect(files).not.toContain('00000000000000000000.log')
    const again = await MetadataStore.open(dir, log)
    expect(again.image.topicsByName.get('big')?.partitions.length).toBe(1200)
    expect(again.image.topicsByName.has('after')).toBe(true)
    expect(again.nextOffset).toBe(1203n)
    await again.close()
    await s.close()
  })
})
