import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseCheckpoint } from '../../broker/storage/checkpoint.ts'
import { logConfigFromMap } from '../../broker/storage/log-config.ts'
import { CLEAN_SHUTDOWN_MARKER, LogManager } from '../../broker/storage/log-manager.ts'
import { batchOf, removeDir, tempDir } from './helpers.ts'

let root: string

beforeEach(async () => {
  root = await tempDir()
})

afterEach(async () => {
  await removeDir(root)
})

describe('LogManager', () => {
  it('creates, finds and reopens logs of topics with dashes and dots, leaving the metadata log alone', async () => {
    mkdirSync(join(root, '__cluster_metadata-0'))
    writeFileSync(join(root, '__cluster_metadata-0', 'keep.me'), 'x')
    const m = await LogManager.open(root)
    expect(m.hadCleanShutdown).toBe(false)
    const a = await m.createLog('my-topic.v2', 3)
    const b = await m.createLog('plain', 0)
    expect(await m.createLog('plain', 0)).toBe(b)
    await a.append(await batchOf(2))
    await b.append(await batchOf(5))
    expect(existsSync(join(root, 'my-topic.v2-3', '00000000000000000000.log'))).toBe(true)
    await m.close()
    expect(existsSync(join(root, CLEAN_SHUTDOWN_MARKER))).toBe(true)

    const again = await LogManager.open(root)
    expect(again.hadCleanShutdown).toBe(true)
    expect(existsSync(join(root, CLEAN_SHUTDOWN_MARKER))).toBe(false)
    expect(
      again
        .partitions()
        .map((p) => `${p.topic}/${p.partition}`)
        .sort(),
    ).toEqual(['my-topic.v2/3', 'plain/0'])
    expect(again.getLog('my-topic.v2', 3)?.logEndOffset).toBe(2n)
    expect(again.getLog('plain', 0)?.logEndOffset).toBe(5n)
    expect(again.getLog('__cluster_metadata', 0)).toBeUndefined()
    expect(readFileSync(join(root, '__cluster_metadata-0', 'keep.me'), 'utf8')).toBe('x')
    await again.close()
  })

  it('writes Kafka-format checkpoints and reloads the log start offset from them', async () => {
    const m = await LogManager.open(root)
    const log = await m.createLog('t', 0)
    for (let i = 0; i < 4; i++) await log.append(await batchOf(3))
    await log.deleteRecordsBefore(5n)
    await log.flush()
    await m.writeCheckpoints()
    const text = readFileSync(join(root, 'recovery-point-offset-checkpoint'), 'utf8')
    expect(text).toBe('0\n1\nt 0 12\n')
    expect(parseCheckpoint(readFileSync(join(root, 'log-start-offset-checkpoint'), 'utf8'))).toEqual([
      { topic: 't', partition: 0, offset: 5n },
    ])
    expect(readdirSync(root).some((n) => n.endsWith('.tmp'))).toBe(false)
    await m.close()
    const again = await LogManager.open(root)
    expect(again.getLog('t', 0)?.logStartOffset).toBe(5n)
    await again.close()
  })

  it('recovers logs after a crash (no marker) and keeps flushed data', async () => {
    const m = await LogManager.open(root)
    const log = await m.createLog('t', 0)
    for (let i = 0; i < 10; i++) await log.append(await batchOf(2))
    await log.flush()
    await m.writeCheckpoints()
    // Crash: no close(); release handles only so that the test can reopen.
    await m.cache.closeAll()
    const again = await LogManager.open(root)
    expect(again.hadCleanShutdown).toBe(false)
    expect(again.getLog('t', 0)?.logEndOffset).toBe(20n)
    await again.close()
  })

  it('deletes a topic by renaming its directories to -delete and removing them', async () => {
    const m = await LogManager.open(root)
    await m.createLog('gone-topic', 0)
    await m.createLog('gone-topic', 1)
    await m.createLog('gone', 0)
    await (m.getLog('gone-topic', 1) as NonNullable<ReturnType<typeof m.getLog>>).append(await batchOf(1))
    expect(await m.deleteLogs('gone-topic')).toBe(2)
    expect(m.getLog('gone-topic', 0)).toBeUndefined()
    expect(m.getLog('gone', 0)).toBeDefined()
    expect(readdirSync(root).filter((n) => n.startsWith('gone-topic-') && !n.endsWith('-delete'))).toEqual([])
    await m.close()
    expect(readdirSync(root).filter((n) => n.includes('gone-topic'))).toEqual([])
    // A leftover -delete directory (crash before removal) is removed at open.
    mkdirSync(join(root, 'x-0.0123456789abcdef0123456789abcdef-delete'))
    const again = await LogManager.open(root)
    expect(again.partitions().map((p) => p.topic)).toEqual(['gone'])
    expect(readdirSync(root).some((n) => n.endsWith('-delete'))).toBe(false)
    await again.close()
  })

  it('keeps file handles under the cap with many partitions', async () => {
    const m = await LogManager.open(root, { maxOpenFiles: 8 })
    for (let p = 0; p < 60; p++) {
      const log = await m.createLog('many', p)
      await log.append(await batchOf(1, { prefix: `p${p}` }))
      expect(m.cache.openCount).toBeLessThanOrEqual(8)
    }
    for (let p = 0; p < 60; p++) {
      const r = await m.getLog('many', p)!.read(0n, 1000)
      expect(r.records.length).toBeGreaterThan(0)
      expect(m.cache.openCount).toBeLessThanOrEqual(8)
    }
    await Promise.all(m.partitions().map((e) => e.log.flush()))
    expect(m.cache.openCount).toBeLessThanOrEqual(8)
    await m.close()
  })

  it('reopens more partitions than it loads at once, each at its own end, after a clean stop and a crash', async () => {
    const m = await LogManager.open(root, { maxOpenFiles: 16 })
    for (let p = 0; p < 40; p++) await (await m.createLog('wide', p)).append(await batchOf(1 + (p % 5)))
    await m.close()
    const ends = (mgr: LogManager): string[] =>
      mgr.partitions().map((e) => `${e.topic}/${e.partition}@${e.log.logEndOffset}`)
    const expected = Array.from({ length: 40 }, (_, p) => `wide/${p}@${1 + (p % 5)}`)

    const clean = await LogManager.open(root, { maxOpenFiles: 16 })
    expect(clean.hadCleanShutdown).toBe(true)
    expect(ends(clean).sort()).toEqual([...expected].sort())
    await Promise.all(clean.partitions().map((e) => e.log.flush()))
    // No close: the next open recovers every partition, as after a crash.
    const crashed = await LogManager.open(root, { maxOpenFiles: 16 })
    expect(crashed.hadCleanShutdown).toBe(false)
    expect(ends(crashed).sort()).toEqual([...expected].sort())
    expect(ends(crashed)).toEqual(ends(clean))
    await clean.cache.closeAll()
    await crashed.close()
  })

  it('runs flush.ms, retention and config updates from its background steps', async () => {
    let now = 1_700_000_000_000
    const m = await LogManager.open(root, {
      defaults: logConfigFromMap({ 'flush.ms': '1000', 'segment.bytes': '300', 'file.delete.delay.ms': '0' }),
      now: () => now,
    })
    const log = await m.createLog('t', 0, m.defaults)
    for (let i = 0; i < 10; i++) await log.append(await batchOf(2, { timestamp: now - 100_000 }))
    await m.runFlush()
    expect(log.recoveryPoint).toBe(0n)
    now += 1000
    await m.runFlush()
    expect(log.recoveryPoint).toBe(20n)
    expect(await m.runRetention()).toBe(0)
    m.updateConfig('t', logConfigFromMap({ 'retention.ms': '1000', 'segment.bytes': '300' }))
    expect(await m.runRetention()).toBeGreaterThan(0)
    expect(log.logStartOffset).toBe(20n)
    m.start()
    await m.close()
  })
})

describe('LogManager with a broken partition', () => {
  it('keeps an unreadable partition offline and serves the others', async () => {
    const m = await LogManager.open(root)
    await (await m.createLog('ok', 0)).append(await batchOf(2))
    await (await m.createLog('bad', 0)).append(await batchOf(2))
    await m.close()
    // The .log of bad-0 becomes a directory: reading it fails at open.
    const { rmSync } = await import('node:fs')
    rmSync(join(root, 'bad-0', '00000000000000000000.log'))
    mkdirSync(join(root, 'bad-0', '00000000000000000000.log'))
    rmSync(join(root, 'bad-0', '00000000000000000000.index'))
    const messages: string[] = []
    const again = await LogManager.open(root, { log: (msg) => messages.push(msg) })
    const bad = again.getLog('bad', 0)!
    expect(bad.offline).toBe(true)
    await expect(bad.read(0n, 100)).rejects.toMatchObject({ errorCode: 56 })
    await expect(bad.append(await batchOf(1))).rejects.toMatchObject({ errorCode: 56 })
    expect(messages.some((msg) => msg.includes('bad-0'))).toBe(true)
    expect((await again.getLog('ok', 0)!.append(await batchOf(1))).baseOffset).toBe(2n)
    await again.close()
    // No clean-shutdown marker while a partition is offline: the next start recovers.
    expect(existsSync(join(root, CLEAN_SHUTDOWN_MARKER))).toBe(false)
    expect(readFileSync(join(root, 'recovery-point-offset-checkpoint'), 'utf8')).toContain('bad 0 2')
  })
})
