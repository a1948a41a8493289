// Durability with a real client (kcat, librdkafka 2.0.2, acks=all): 100k keyed records keep their exact
// content and per-partition order across a clean restart, and everything acknowledged survives SIGKILL
// (with the default flush settings the data sits in the OS page cache, which outlives a process kill).
import { existsSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { runTool } from './run-tool.ts'

const KCAT = '/usr/bin/kcat'
const TOPIC = 'durable'
const KEYS = 1000
let broker: RunningBroker

beforeAll(async () => {
  broker = await startBroker({ config: { 'num.partitions': '4' } })
})
afterAll(async () => {
  await broker?.stop()
})

async function produce(from: number, count: number): Promise<void> {
  const lines: string[] = []
  for (let i = from; i < from + count; i++) lines.push(`key-${i % KEYS}:value-${i}`)
  await runTool(
    KCAT,
    [
      '-b',
      broker.bootstrap,
      '-P',
      '-t',
      TOPIC,
      '-K',
      ':',
      '-z',
      'lz4',
      '-X',
      'topic.request.required.acks=-1',
      '-X',
      'enable.idempotence=true',
    ],
    lines.join('\n') + '\n',
    120_000,
  )
}

/** Every partition's records in offset order, as `offset|key|value` lines. */
async function consumeAll(): Promise<Map<string, string[]>> {
  const { stdout } = await runTool(
    KCAT,
    ['-b', broker.bootstrap, '-C', '-t', TOPIC, '-o', 'beginning', '-e', '-f', '%p|%o|%k|%s\\n'],
    '',
    120_000,
  )
  const parts = new Map<string, string[]>()
  for (const line of stdout.split('\n')) {
    if (line === '') continue
    const cut = line.indexOf('|')
    const p = line.slice(0, cut)
    const list = parts.get(p) ?? []
    list.push(line.slice(cut + 1))
    parts.set(p, list)
  }
  return parts
}

/**
 * Checks offsets are dense from 0, every key stays in one partition, and each key's values are in order.
 * Plain comparisons (one expect at the end): 100k expect calls would dominate the test's run time.
 */
function checkOrder(parts: Map<string, string[]>, total: number): void {
  const problems: string[] = []
  let count = 0
  const keyPartition = new Map<string, string>()
  const lastOfKey = new Map<string, number>()
  for (const [p, lines] of parts) {
    lines.forEach((line, i) => {
      const [offset, key, value] = line.split('|') as [string, string, string]
      const n = Number(value.slice(6))
      if (Number(offset) !== i) problems.push(`partition ${p}: offset ${offset} at position ${i}`)
      if ((keyPartition.get(key) ?? p) !== p)
        problems.push(`${key} in partitions ${keyPartition.get(key)} and ${p}`)
      if (key !== `key-${n % KEYS}`) problems.push(`${key} holds ${value}`)
      if (n !== (lastOfKey.get(key) ?? n - KEYS) + KEYS)
        problems.push(`${key}: ${value} after ${lastOfKey.get(key)}`)
      keyPartition.set(key, p)
      lastOfKey.set(key, n)
    })
    count += lines.length
  }
  expect(problems.slice(0, 5)).toEqual([])
  expect(count).toBe(total)
}

function same(a: Map<string, string[]>, b: Map<string, string[]>): boolean {
  if (a.size !== b.size) return false
  for (const [p, lines] of a) if (lines.join('\n') !== b.get(p)?.join('\n')) return false
  return true
}

describe.skipIf(!existsSync(KCAT))('durability of acknowledged records (kcat, acks=all)', () => {
  let before: Map<string, string[]>

  it('stores 100k keyed records in order per partition', async () => {
    await produce(0, 100_000)
    before = await consumeAll()
    expect(before.size).toBe(4)
    checkOrder(before, 100_000)
  })

  it('keeps exactly the same records after a clean restart', async () => {
    broker = await broker.restart()
    expect(same(await consumeAll(), before)).toBe(true)
  })

  it('keeps every acknowledged record after SIGKILL, and takes more writes after recovery', async () => {
    await produce(100_000, 20_000)
    const acked = await consumeAll()
    checkOrder(acked, 120_000)
    await broker.kill('SIGKILL')
    broker = await startBroker({ dataDir: broker.dataDir, config: { 'num.partitions': '4' } })
    expect(same(await consumeAll(), acked)).toBe(true)
    await produce(120_000, 1000)
    checkOrder(await consumeAll(), 121_000)
  })
})
