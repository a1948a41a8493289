// Storage faults against a real broker process: torn writes (truncation, garbage appended to the active
// segment and its index while the broker is down), a full disk (a small tmpfs mounted over one partition's
// directory) and a read-only partition directory (a read-only bind mount). The affected partitions answer
// KAFKA_STORAGE_ERROR, the others keep serving, and nothing acknowledged is lost.
import { execFileSync } from 'node:child_process'
import {
  appendFileSync,
  cpSync,
  readFileSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { ErrorCode } from '../../broker/protocol/errors.ts'
import { iterateBatches } from '../../broker/protocol/records/batches.ts'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { RawClient } from '../helpers/raw-client.ts'
import { batch, createTopic, fetch, produce } from '../server/data-path-client.ts'

const mounts: string[] = []
const dirs: string[] = []
afterAll(() => {
  for (const m of mounts.reverse()) {
    try {
      execFileSync('umount', ['-l', m])
    } catch {
      // Already unmounted.
    }
  }
  for (const d of dirs) rmSync(d, { recursive: true, force: true })
})

function canMount(): boolean {
  const probe = mkdtempSync(join(tmpdir(), 'strata-mount-probe-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'ignore' })
    execFileSync('umount', [probe], { stdio: 'ignore' })
    return true
  } catch {
    return false
  } finally {
    rmSync(probe, { recursive: true, force: true })
  }
}

/** Counts the records of a partition from offset 0 to its high watermark. */
async function readAll(
  c: RawClient,
  topic: string,
  partition = 0,
): Promise<{ errorCode: number; values: number }> {
  let offset = 0n
  let values = 0
  for (;;) {
    const res = await fetch(c, {
      maxWaitMs: 0,
      topics: [{ topic, partitions: [{ partition, fetchOffset: offset, partitionMaxBytes: 1 << 20 }] }],
    })
    const p = res.responses[0]?.partitions[0]
    if (p === undefined || p.errorCode !== 0) return { errorCode: p?.errorCode ?? -1, values }
    if (offset >= p.highWatermark) return { errorCode: 0, values }
    let advanced = false
    for (const b of iterateBatches(p.records ?? Buffer.alloc(0))) {
      const h = b.header()
      const next = h.baseOffset + BigInt(h.lastOffsetDelta) + 1n
      if (next > offset) {
        values += h.recordCount
        offset = next
        advanced = true
      }
    }
    if (!advanced) return { errorCode: 0, values }
  }
}

async function produceN(c: RawClient, topic: string, n: number, size = 10): Promise<number> {
  let acked = 0
  for (let i = 0; i < n; i++) {
    const res = await produce(c, topic, 0, await batch([`${i}`.padEnd(size, '.')]))
    if (res.errorCode === 0) acked++
  }
  return acked
}

function activeFile(dataDir: string, topic: string, suffix: string): string {
  const dir = join(dataDir, `${topic}-0`)
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(suffix))
    .sort()
  return join(dir, files[files.length - 1] as string)
}

describe('torn writes', () => {
  it('recovery after SIGKILL keeps exactly the valid prefix of a truncated or garbage-tailed segment', async () => {
    let broker: RunningBroker = await startBroker({ logLevel: 'warn' })
    let c = await RawClient.connect(broker.port)
    await createTopic(c, 'torn', 1)
    expect(await produceN(c, 'torn', 10)).toBe(10)
    c.close()
    await broker.kill('SIGKILL')

    // Garbage after the last batch, and a garbage index: all ten records survive.
    appendFileSync(activeFile(broker.dataDir, 'torn', '.log'), Buffer.alloc(37, 0xab))
    writeFileSync(activeFile(broker.dataDir, 'torn', '.index'), Buffer.alloc(13, 0xcd))
    broker = await startBroker({ dataDir: broker.dataDir, port: broker.port, logLevel: 'warn' })
    c = await RawClient.connect(broker.port)
    expect(await readAll(c, 'torn')).toEqual({ errorCode: 0, values: 10 })
    c.close()
    await broker.kill('SIGKILL')

    // Truncate in the middle of the 8th batch: exactly seven remain, and the log continues at offset 7.
    const log = activeFile(broker.dataDir, 'torn', '.log')
    const sizes: number[] = []
    for (const b of iterateBatches(readFileSync(log))) sizes.push(b.size)
    const cut = sizes.slice(0, 7).reduce((a, b) => a + b, 0) + 20
    expect(statSync(log).size).toBeGreaterThan(cut)
    truncateSync(log, cut)
    broker = await startBroker({ dataDir: broker.dataDir, port: broker.port, logLevel: 'warn' })
    c = await RawClient.connect(broker.port)
    expect(await readAll(c, 'torn')).toEqual({ errorCode: 0, values: 7 })
    expect((await produce(c, 'torn', 0, await batch(['next']))).baseOffset).toBe(7n)
    c.close()
    await broker.stop()
  })
})

const mountable = canMount()

describe.skipIf(!mountable)('disk full and read-only partition directories', () => {
  it('answers KAFKA_STORAGE_ERROR for the affected partitions, serves the others, loses nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'strata-faults-'))
    dirs.push(dataDir)
    let broker = await startBroker({ dataDir, logLevel: 'warn' })
    let c = await RawClient.connect(broker.port)
    for (const t of ['ok', 'full', 'ro']) await createTopic(c, t, 1)
    const acked: Record<string, number> = {}
    for (const t of ['ok', 'full', 'ro']) acked[t] = await produceN(c, t, 20)
    c.close()
    await broker.stop()

    // A 256 kB tmpfs over full-0 (its files copied in), and a read-only bind mount over ro-0.
    const full = join(dataDir, 'full-0')
    const saved = mkdtempSync(join(tmpdir(), 'strata-full-copy-'))
    dirs.push(saved)
    cpSync(full, saved, { recursive: true })
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', full])
    mounts.push(full)
    cpSync(saved, full, { recursive: true })
    const ro = join(dataDir, 'ro-0')
    execFileSync('mount', ['--bind', ro, ro])
    mounts.push(ro)
    execFileSync('mount', ['-o', 'remount,ro,bind', ro])

    broker = await startBroker({ dataDir, logLevel: 'warn' })
    c = await RawClient.connect(broker.port)
    // Fill the small disk: 4 kB records until the partition refuses.
    let fullCode = 0
    for (let i = 0; i < 200 && fullCode === 0; i++) {
      const res = await produce(c, 'full', 0, await batch(['x'.repeat(4096)]))
      fullCode = res.errorCode
      if (res.errorCode === 0) acked.full = (acked.full ?? 0) + 1
    }
    expect(fullCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR)
    expect((await produce(c, 'ro', 0, await batch(['y']))).errorCode).toBe(ErrorCode.KAFKA_STORAGE_ERROR)
    // The healthy partition keeps taking writes and serving reads.
    expect(await produceN(c, 'ok', 5)).toBe(5)
    acked.ok = (acked.ok ?? 0) + 5
    expect(await readAll(c, 'ok')).toEqual({ errorCode: 0, values: acked.ok })
    c.close()
    await broker.kill('SIGKILL')

    // Space back, writable again: every acknowledged record is there after a restart.
    execFileSync('umount', [ro])
    const content = mkdtempSync(join(tmpdir(), 'strata-full-back-'))
    dirs.push(content)
    cpSync(full, content, { recursive: true })
    execFileSync('umount', [full])
    rmSync(full, { recursive: true, force: true })
    cpSync(content, full, { recursive: true })
    mounts.length = 0

    broker = await startBroker({ dataDir, logLevel: 'warn' })
    c = await RawClient.connect(broker.port)
    for (const t of ['ok', 'full', 'ro']) {
      expect(await readAll(c, t), t).toEqual({ errorCode: 0, values: acked[t] })
    }
    expect((await produce(c, 'ro', 0, await batch(['z']))).errorCode).toBe(0)
    c.close()
    await broker.stop()
  })
})
