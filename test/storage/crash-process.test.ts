import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { iterateBatches } from '../../broker/protocol/records/batches.ts'
import { decodeRecords } from '../../broker/protocol/records/records.ts'
import { LogManager } from '../../broker/storage/log-manager.ts'
import { removeDir, tempDir } from './helpers.ts'

const WRITER = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url))

let root: string
beforeEach(async () => {
  root = await tempDir()
})
afterEach(async () => {
  await removeDir(root)
})

/** Runs the writer until it has reported `flushes` flushes, then SIGKILLs it mid-append. */
function runAndKill(dataDir: string, flushes: number): Promise<{ flushed: bigint; appended: bigint }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
    let flushed = -1n
    let appended = -1n
    let seen = 0
    let pending = ''
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.stdout.on('data', (d: Buffer) => {
      pending += d.toString()
      const lines = pending.split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        const [what, value] = line.split(' ')
        if (what === 'appended') appended = BigInt(value as string)
        if (what === 'flushed') {
          flushed = BigInt(value as string)
          if (++seen === flushes) child.kill('SIGKILL')
        }
      }
    })
    child.on('error', reject)
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve({ flushed, appended })
      else reject(new Error(`writer exited with ${code}: ${stderr}`))
    })
  })
}

describe('SIGKILL during appends', () => {
  for (const flushes of [3, 17]) {
    it(`recovers a prefix of what was written that includes everything flushed (${flushes} flushes)`, async () => {
      const { flushed, appended } = await runAndKill(root, flushes)
      expect(flushed).toBeGreaterThan(0n)
      const m = await LogManager.open(root)
      expect(m.hadCleanShutdown).toBe(false)
      const log = m.getLog('crash', 0)!
      expect(log.logEndOffset).toBeGreaterThanOrEqual(flushed)
      // Nothing beyond the batch that was in flight when the kill landed.
      expect(log.logEndOffset).toBeLessThanOrEqual(appended + 7n)
      let offset = 0n
      while (offset < log.logEndOffset) {
        const r = await log.read(offset, 1 << 20, { minOneMessage: true })
        for (const b of iterateBatches(r.records)) {
          for (const rec of decodeRecords(b)) {
            const off = b.baseOffset + BigInt(rec.offsetDelta)
            expect(rec.value?.toString().replace(/\.+$/, '')).toBe(`rec-${off}`)
            expect(off).toBe(offset)
            offset = off + 1n
          }
        }
      }
      expect(offset).toBe(log.logEndOffset)
      await m.close()
    })
  }
})
