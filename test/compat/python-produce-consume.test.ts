// kafka-python 2.0.2 and confluent-kafka (librdkafka 2.0.2) from Debian's /usr/bin/python3 against the
// real broker process: keyed records with headers, produced with acks=all and read back in order.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { runTool } from './run-tool.ts'

const PYTHON = '/usr/bin/python3'
const SCRIPTS = join(fileURLToPath(new URL('.', import.meta.url)), 'python')
let broker: RunningBroker

beforeAll(async () => {
  broker = await startBroker()
})
afterAll(async () => {
  await broker?.stop()
})

interface Line {
  partition: number
  offset: number
  key: string
  value: string
  headers: [string, string][]
}

async function roundTrip(
  script: string,
  topic: string,
  count: number,
  codec: string,
  ...extra: string[]
): Promise<Line[]> {
  const { stdout } = await runTool(
    PYTHON,
    [join(SCRIPTS, script), broker.bootstrap, topic, String(count), codec, ...extra],
    '',
    120_000,
  )
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Line)
}

function expected(count: number): Line[] {
  return Array.from({ length: count }, (_, i) => ({
    partition: 0,
    offset: i,
    key: `k${i}`,
    value: `v${i}`,
    headers: [['h', `x${i}`]],
  }))
}

describe.skipIf(!existsSync(PYTHON))('Python clients', () => {
  it('kafka-python 2.0.2 produces and consumes (gzip)', async () => {
    expect(await roundTrip('kafka_python_roundtrip.py', 'py-kafka', 500, 'gzip')).toEqual(expected(500))
  })

  it('kafka-python 2.0.2 produces and consumes (uncompressed)', async () => {
    expect(await roundTrip('kafka_python_roundtrip.py', 'py-kafka-plain', 50, 'none')).toEqual(expected(50))
  })

  it('kafka-python 2.0.2 pinned to 0.11 (Produce v3, Fetch v4) produces and consumes (gzip)', async () => {
    expect(await roundTrip('kafka_python_roundtrip.py', 'py-kafka-011', 100, 'gzip', '0.11')).toEqual(
      expected(100),
    )
  })

  it('confluent-kafka produces idempotently and consumes (zstd)', async () => {
    expect(await roundTrip('confluent_roundtrip.py', 'py-confluent', 500, 'zstd')).toEqual(expected(500))
  })
})
