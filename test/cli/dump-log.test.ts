// `strata dump-log` on segments the real broker wrote: batches and records (table and JSON lines), index
// files, a partition directory of several segments, and corrupt copies (a flipped byte, a torn tail), which
// are reported with exit code 1 while the rest of the file is still dumped.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker } from '../helpers/broker-process.ts'
import { cli, oneLine } from './cli-process.ts'

const RECORDS = 2000
const BATCH = 50
let partitionDir: string
let firstLog: string
let tmp: string

interface Line {
  type: string
  [field: string]: unknown
}

function jsonLines(stdout: string): Line[] {
  return stdout
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Line)
}

beforeAll(async () => {
  const broker = await startBroker()
  const b = ['--bootstrap-server', broker.bootstrap]
  const created = await cli([
    'topic',
    'create',
    'dumped',
    '--partitions',
    '1',
    '--config',
    'segment.bytes=16384',
    ...b,
  ])
  expect(created.code, created.stderr).toBe(0)
  const input = Array.from({ length: RECORDS }, (_, i) => `key-${i}|value-${i}`).join('\n') + '\n'
  const produced = await cli(
    ['produce', 'dumped', '-K', '|', '-H', 'origin=test', '--batch-size', String(BATCH), '-z', 'lz4', ...b],
    { input },
  )
  expect(produced.code, produced.stderr).toBe(0)
  // Stopped, so every segment is closed and its index trimmed, the way an operator dumps a copy.
  await broker.stop()
  partitionDir = path.join(broker.dataDir, 'dumped-0')
  firstLog = path.join(partitionDir, '00000000000000000000.log')
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-dump-log-'))
}, 120_000)
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true })
})

describe('strata dump-log', () => {
  it('prints the batches of a segment with valid CRCs', async () => {
    const r = await cli(['dump-log', firstLog])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout.split('\n')[0]).toBe(`Dumping ${firstLog}`)
    const batches = r.stdout.split('\n').filter((l) => l.startsWith('baseOffset: '))
    expect(batches.length).toBeGreaterThan(0)
    expect(batches[0]).toMatch(
      /^baseOffset: 0 lastOffset: 49 count: 50 .*position: 0 .*compresscodec: lz4 .*isvalid: true$/,
    )
    expect(r.stdout).toMatch(/Summary: \d+ batches, 0 problems\n$/)
    expect(r.stdout).not.toContain('| offset:')
  })

  it('dumps every record of every segment of a partition directory as JSON lines', async () => {
    const segments = fs.readdirSync(partitionDir).filter((n) => n.endsWith('.log'))
    expect(segments.length).toBeGreaterThan(1)
    const r = await cli(['dump-log', partitionDir, '--records', '--output', 'json'])
    expect(r.code, r.stderr).toBe(0)
    const lines = jsonLines(r.stdout)
    const batches = lines.filter((l) => l.type === 'batch')
    const records = lines.filter((l) => l.type === 'record')
    expect(batches).toHaveLength(RECORDS / BATCH)
    expect(batches.every((x) => x.crcValid === true && x.compression === 'lz4')).toBe(true)
    expect(new Set(batches.map((x) => x.file)).size).toBe(segments.length)
    expect(records).toHaveLength(RECORDS)
    records.forEach((rec, i) => {
      expect(rec).toMatchObject({
        offset: String(i),
        key: `key-${i}`,
        value: `value-${i}`,
        headers: [{ key: 'origin', value: 'test' }],
      })
    })
    expect(lines.at(-1)).toEqual({ type: 'summary', batches: RECORDS / BATCH, records: RECORDS, problems: 0 })
  })

  it('dumps offset and time index entries', async () => {
    const index = path.join(partitionDir, '00000000000000000000.index')
    const timeIndex = path.join(partitionDir, '00000000000000000000.timeindex')
    const [offsets, times] = await Promise.all([
      cli(['dump-log', index, '-o', 'json']),
      cli(['dump-log', timeIndex]),
    ])
    expect(offsets.code, offsets.stderr).toBe(0)
    const entries = jsonLines(offsets.stdout).filter((l) => l.type === 'index-entry')
    expect(entries.length).toBeGreaterThan(0)
    for (const e of entries) expect(Number(e.position)).toBeGreaterThan(0)
    expect(times.code, times.stderr).toBe(0)
    expect(times.stdout).toMatch(/^timestamp: \d+ offset: \d+$/m)
  })

  it('reports a batch with a bad CRC, keeps dumping the rest and exits 1', async () => {
    const copy = path.join(tmp, '00000000000000000000.log')
    const bytes = fs.readFileSync(firstLog)
    const second = Number(bytes.readInt32BE(8)) + 12
    // A byte inside the second batch's records: its CRC no longer matches, its framing is intact.
    bytes[second + 70] = (bytes[second + 70] as number) ^ 0xff
    fs.writeFileSync(copy, bytes)

    const [table, json] = await Promise.all([
      cli(['dump-log', copy, '--records']),
      cli(['dump-log', copy, '--records', '-o', 'json']),
    ])
    expect(table.code).toBe(1)
    expect(table.stdout).toContain(`CORRUPT at position ${second}: CRC mismatch in batch at offset ${BATCH}`)
    expect(table.stdout).toMatch(/isvalid: false/)
    expect(table.stderr).toBe('strata dump-log: corruption found (1 problem)\n')

    expect(json.code).toBe(1)
    const lines = jsonLines(json.stdout)
    const batches = lines.filter((l) => l.type === 'batch')
    expect(batches.filter((x) => x.crcValid === false).map((x) => x.position)).toEqual([second])
    // The batches after the corrupt one are still read, their records too (not the corrupt batch's).
    const records = lines.filter((l) => l.type === 'record')
    expect(records).toHaveLength((batches.length - 1) * BATCH)
    expect(records.some((r) => r.offset === String(BATCH))).toBe(false)
    expect(lines.filter((l) => l.type === 'problem')).toHaveLength(1)
  })

  it('reports a torn tail and exits 1', async () => {
    const copy = path.join(tmp, '00000000000000000050.log')
    const bytes = fs.readFileSync(firstLog)
    fs.writeFileSync(copy, bytes.subarray(0, bytes.length - 10))
    const r = await cli(['dump-log', copy, '-o', 'json'])
    expect(r.code).toBe(1)
    const problems = jsonLines(r.stdout).filter((l) => l.type === 'problem')
    expect(problems).toHaveLength(1)
    expect(String(problems[0]?.reason)).toMatch(/runs past the end of the file/)
  })

  it('fails cleanly on a missing file and on a file that is not a segment', async () => {
    const other = path.join(tmp, 'notes.txt')
    fs.writeFileSync(other, 'hello')
    const [missing, wrongKind, none] = await Promise.all([
      cli(['dump-log', path.join(tmp, 'nope.log')]),
      cli(['dump-log', other]),
      cli(['dump-log']),
    ])
    expect(missing.code).toBe(1)
    expect(oneLine(missing.stderr)).toBe(true)
    expect(missing.stderr).toMatch(/^strata dump-log: cannot read .*nope\.log/)
    expect(wrongKind.code).toBe(2)
    expect(wrongKind.stderr).toMatch(/is not a \.log, \.index or \.timeindex file/)
    expect(none.code).toBe(2)
  })
})
