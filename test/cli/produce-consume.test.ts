// `strata produce` then `strata consume` against a real broker process: 10k keyed lines from a file and from
// stdin, JSON-lines input with headers and partitions, the output formats, start offsets, Ctrl-C, and the
// error paths.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { cli, collect, oneLine, spawnCli } from './cli-process.ts'

let broker: RunningBroker
let b: string[]
let tmp: string

beforeAll(async () => {
  broker = await startBroker()
  b = ['--bootstrap-server', broker.bootstrap]
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cli-produce-'))
  const created = await Promise.all([
    cli(['topic', 'create', 'from-file', '--partitions', '3', ...b]),
    cli(['topic', 'create', 'from-stdin', '--partitions', '2', ...b]),
    cli(['topic', 'create', 'json-lines', '--partitions', '2', ...b]),
  ])
  for (const r of created) expect(r.code, r.stderr).toBe(0)
}, 120_000)
afterAll(async () => {
  await broker?.stop()
  fs.rmSync(tmp, { recursive: true, force: true })
})

const N = 10_000

interface JsonRecord {
  topic: string
  partition: number
  offset: string
  timestamp: number
  key: string | null
  value: string | null
  headers: Record<string, string | null>
}

function parseJsonLines(stdout: string): JsonRecord[] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as JsonRecord)
}

describe('strata produce and consume', () => {
  it('round-trips 10k keyed lines from a file, compressed', async () => {
    const lines = Array.from({ length: N }, (_, i) => `key-${i}:value ${i} with: a colon`)
    const file = path.join(tmp, 'input.txt')
    fs.writeFileSync(file, lines.join('\n') + '\n')
    const produced = await cli([
      'produce',
      'from-file',
      '--file',
      file,
      '--key-separator',
      ':',
      '--compression',
      'zstd',
      ...b,
      '--output',
      'json',
    ])
    expect(produced.code, produced.stderr).toBe(0)
    expect(JSON.parse(produced.stdout)).toMatchObject({
      topic: 'from-file',
      records: N,
      partitions: [0, 1, 2],
    })

    const consumed = await cli([
      'consume',
      'from-file',
      '--from-beginning',
      '--max-messages',
      String(N),
      '--format',
      'key-value',
      '--separator',
      '=>',
      ...b,
    ])
    expect(consumed.code, consumed.stderr).toBe(0)
    expect(consumed.stderr).toContain(`Processed a total of ${N} messages.`)
    const got = consumed.stdout.trimEnd().split('\n')
    expect(got).toHaveLength(N)
    const expected = lines.map((l) => l.replace(':', '=>'))
    expect([...got].sort()).toEqual([...expected].sort())
  })

  it('round-trips 10k keyed lines from stdin with headers, keeping per-partition order', async () => {
    const input = Array.from({ length: N }, (_, i) => `k${i % 100}\tv${i}`).join('\n') + '\n'
    const produced = await cli(
      [
        'produce',
        'from-stdin',
        '-K',
        '\t',
        '--header',
        'source=cli',
        '--header',
        'run=1',
        '--acks',
        '1',
        ...b,
      ],
      { input },
    )
    expect(produced.code, produced.stderr).toBe(0)
    expect(produced.stderr).toContain(`Produced ${N} records to from-stdin.`)

    const consumed = await cli([
      'consume',
      'from-stdin',
      '--from-beginning',
      '-n',
      String(N),
      '-o',
      'json',
      ...b,
    ])
    expect(consumed.code, consumed.stderr).toBe(0)
    const records = parseJsonLines(consumed.stdout)
    expect(records).toHaveLength(N)
    const partitionOfKey = new Map<string, number>()
    const lastByKey = new Map<string, number>()
    for (const r of records) {
      expect(r.topic).toBe('from-stdin')
      expect(r.headers).toEqual({ source: 'cli', run: '1' })
      const key = r.key as string
      // The default partitioner keeps one key on one partition, and each key's records in order.
      expect(partitionOfKey.get(key) ?? r.partition).toBe(r.partition)
      partitionOfKey.set(key, r.partition)
      const n = Number((r.value as string).slice(1))
      expect(n).toBeGreaterThan(lastByKey.get(key) ?? -1)
      lastByKey.set(key, n)
    }
    expect(lastByKey.size).toBe(100)
  })

  it('produces JSON lines with keys, headers and partitions, and reads from an offset', async () => {
    const input = [
      JSON.stringify({ key: 'a', value: 'first', headers: { h: 'x' }, partition: 1 }),
      '',
      JSON.stringify({ key: 'b', value: { nested: [1, 2] }, partition: 1 }),
      JSON.stringify({ value: 'no key', partition: 1 }),
      JSON.stringify({ key: 'c', value: null, partition: 0 }),
    ].join('\n')
    const produced = await cli(['produce', 'json-lines', '--input-format', 'json', '-z', 'gzip', ...b], {
      input,
    })
    expect(produced.code, produced.stderr).toBe(0)
    expect(produced.stderr).toContain('Produced 4 records')

    const [fromOffset, keyValue, tombstone] = await Promise.all([
      cli(['consume', 'json-lines', '--partition', '1', '--offset', '1', '-n', '2', '-F', 'json', ...b]),
      cli([
        'consume',
        'json-lines',
        '--partition',
        '1',
        '--offset',
        'earliest',
        '-n',
        '3',
        '-F',
        'key-value',
        ...b,
      ]),
      cli(['consume', 'json-lines', '--partition', '0', '--from-beginning', '-n', '1', ...b]),
    ])
    expect(fromOffset.code, fromOffset.stderr).toBe(0)
    const records = parseJsonLines(fromOffset.stdout)
    expect(records.map((r) => [r.partition, r.offset, r.key, r.value])).toEqual([
      [1, '1', 'b', '{"nested":[1,2]}'],
      [1, '2', null, 'no key'],
    ])
    expect(keyValue.stdout).toBe('a\tfirst\nb\t{"nested":[1,2]}\nnull\tno key\n')
    expect(tombstone.stdout).toBe('null\n')
  })

  it('stops on --timeout-ms and on Ctrl-C with exit code 0', async () => {
    const idle = await cli(['consume', 'json-lines', '--timeout-ms', '1000', ...b])
    expect(idle.code, idle.stderr).toBe(0)
    expect(idle.stdout).toBe('')
    expect(idle.stderr).toContain('Processed a total of 0 messages.')

    const child = spawnCli(['consume', 'json-lines', '--partition', '1', '--from-beginning', ...b])
    const done = collect(child)
    await new Promise<void>((resolve) => {
      let seen = ''
      child.stdout?.on('data', (d: Buffer | string) => {
        seen += String(d)
        if (seen.split('\n').length > 3) resolve()
      })
    })
    child.kill('SIGINT')
    const r = await done
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('Processed a total of 3 messages.')
  })

  it('reports bad input and unknown topics in one line with exit code 1', async () => {
    const [
      unknownProduce,
      unknownConsume,
      noSeparator,
      badJson,
      badPartition,
      badJsonPartition,
      missingFile,
    ] = await Promise.all([
      cli(['produce', 'no-such-topic', ...b], { input: 'x\n' }),
      cli(['consume', 'no-such-topic', '--timeout-ms', '1000', ...b]),
      cli(['produce', 'json-lines', '-K', ':', ...b], { input: 'k:v\nno separator here\n' }),
      cli(['produce', 'json-lines', '--input-format', 'json', ...b], { input: '{"value":"ok"}\n{oops\n' }),
      cli(['produce', 'json-lines', '--partition', '9', ...b], { input: 'x\n' }),
      cli(['produce', 'json-lines', '--input-format', 'json', ...b], {
        input: '{"value":"v","partition":5}\n',
      }),
      cli(['produce', 'json-lines', '--file', path.join(tmp, 'missing.txt'), ...b]),
    ])
    for (const r of [
      unknownProduce,
      unknownConsume,
      noSeparator,
      badJson,
      badPartition,
      badJsonPartition,
      missingFile,
    ]) {
      expect(r.code).toBe(1)
      expect(oneLine(r.stderr)).toBe(true)
    }
    expect(unknownProduce.stderr).toMatch(/^strata produce: Unknown topic no-such-topic/)
    expect(unknownConsume.stderr).toMatch(/^strata consume: .*no-such-topic/)
    expect(noSeparator.stderr).toMatch(/line 2: no key separator ':' found/)
    expect(badJson.stderr).toMatch(/line 2: not valid JSON/)
    expect(badPartition.stderr).toMatch(/has no partition 9/)
    expect(badJsonPartition.stderr).toMatch(/line 1: topic json-lines has no partition 5/)
    expect(missingFile.stderr).toMatch(/cannot read .*missing\.txt/)
  })

  it('rejects contradictory options with exit code 2', async () => {
    const [offsetWithoutPartition, groupWithOffset, badAcks] = await Promise.all([
      cli(['consume', 'json-lines', '--offset', '5', ...b]),
      cli(['consume', 'json-lines', '--group', 'g', '--partition', '0', ...b]),
      cli(['produce', 'json-lines', '--acks', '2', ...b]),
    ])
    for (const r of [offsetWithoutPartition, groupWithOffset, badAcks]) expect(r.code).toBe(2)
    expect(offsetWithoutPartition.stderr).toMatch(/--offset <n> needs --partition/)
    expect(badAcks.stderr).toMatch(/--acks must be all, 1 or 0/)
  })
})
