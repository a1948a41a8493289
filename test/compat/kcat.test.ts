// kcat (librdkafka 2.0.2) against the real broker process: keyed records with headers through every
// compression codec, read back from the beginning and from an offset; and the segment files the broker
// wrote for each codec decoded with Strata's own record batch reader.
import { existsSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { COMPRESSION_NAMES } from '../../broker/protocol/records/batch-header.ts'
import { iterateBatches, validateBatch } from '../../broker/protocol/records/batches.ts'
import { readBatchRecords } from '../../broker/protocol/records/records.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { runTool } from './run-tool.ts'

const KCAT = '/usr/bin/kcat'
const COUNT = 200
let broker: RunningBroker

// librdkafka compresses with gzip, snappy and lz4 only when the broker offers FindCoordinator v0 (its
// "broker 0.9+" feature test); this broker does, so every codec below really reaches the segments.
beforeAll(async () => {
  broker = await startBroker({ config: { 'num.partitions': '4' } })
})
afterAll(async () => {
  await broker?.stop()
})

// Values repeat a pattern so every codec really shrinks them (librdkafka sends a batch uncompressed when
// compressing would not help).
function value(codec: string, i: number): string {
  return `${codec}-value-${i}-${'abcdefgh'.repeat(16)}`
}

async function produce(topic: string, codec: string, lines: string[], extra: string[] = []): Promise<void> {
  await runTool(
    KCAT,
    [
      '-b',
      broker.bootstrap,
      '-P',
      '-t',
      topic,
      '-K',
      ':',
      '-z',
      codec,
      '-H',
      'h1=one',
      '-H',
      'h2=two',
      '-X',
      'topic.request.required.acks=-1',
      ...extra,
    ],
    lines.join('\n') + '\n',
  )
}

async function consume(topic: string, args: string[]): Promise<string[]> {
  const { stdout } = await runTool(KCAT, [
    '-b',
    broker.bootstrap,
    '-C',
    '-t',
    topic,
    '-f',
    '%p|%o|%k|%s|%h\\n',
    ...args,
  ])
  return stdout.split('\n').filter((l) => l !== '')
}

describe.skipIf(!existsSync(KCAT))('kcat (librdkafka 2.0.2)', () => {
  for (const codec of COMPRESSION_NAMES) {
    it(`produces and consumes keyed records with headers, compression ${codec}`, async () => {
      const topic = `kcat-${codec}`
      const lines = Array.from({ length: COUNT }, (_, i) => `key-${i}:${value(codec, i)}`)
      await produce(topic, codec, lines, ['-p', '0', '-X', 'enable.idempotence=true'])
      const all = await consume(topic, ['-p', '0', '-o', 'beginning', '-e'])
      expect(all).toEqual(lines.map((l, i) => `0|${i}|${l.replace(':', '|')}|h1=one,h2=two`))
      const some = await consume(topic, ['-p', '0', '-o', '150', '-c', '3', '-e'])
      expect(some).toEqual([150, 151, 152].map((i) => `0|${i}|key-${i}|${value(codec, i)}|h1=one,h2=two`))

      // The segment the broker wrote holds librdkafka's batches as sent: decode them with our reader.
      const log = await readFile(join(broker.dataDir, `${topic}-0`, '00000000000000000000.log'))
      const decoded: string[] = []
      const codecs = new Set<string>()
      for (const b of iterateBatches(log)) {
        expect(validateBatch(log, b.position, b.size)).toBeNull()
        codecs.add(b.compression ?? 'unknown')
        const { records } = await readBatchRecords(log, b.position, b.size)
        for (const r of records) {
          const headers = r.headers.map((h) => `${h.key}=${h.value?.toString() ?? ''}`).join(',')
          decoded.push(`${r.offset}|${r.key?.toString() ?? ''}|${r.value?.toString() ?? ''}|${headers}`)
        }
      }
      expect(codecs).toEqual(new Set([codec]))
      expect(decoded).toEqual(lines.map((l, i) => `${i}|${l.replace(':', '|')}|h1=one,h2=two`))
    })
  }

  it('spreads keyed records over partitions and keeps each key in one partition, in order', async () => {
    const topic = 'kcat-keys'
    await runTool(KCAT, ['-b', broker.bootstrap, '-L', '-t', topic]) // auto-creates with num.partitions
    const lines = Array.from({ length: 300 }, (_, i) => `key-${i % 10}:${i}`)
    await produce(topic, 'lz4', lines)
    const byKey = new Map<string, { partition: string; values: number[] }>()
    for (const l of await consume(topic, ['-o', 'beginning', '-e'])) {
      const [partition, , key, v] = l.split('|') as [string, string, string, string]
      const e = byKey.get(key) ?? { partition, values: [] }
      expect(e.partition).toBe(partition)
      e.values.push(Number(v))
      byKey.set(key, e)
    }
    expect(byKey.size).toBe(10)
    expect(new Set([...byKey.values()].map((e) => e.partition)).size).toBeGreaterThan(1)
    for (const [key, e] of byKey) {
      expect(e.values).toEqual(Array.from({ length: 30 }, (_, j) => Number(key.slice(4)) + j * 10))
    }
  })
})
