import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  CheckpointFormatError,
  checkpointKey,
  formatCheckpoint,
  parseCheckpoint,
  readCheckpoint,
  writeCheckpoint,
} from '../../broker/storage/checkpoint.ts'
import { removeDir, tempDir } from './helpers.ts'

let root: string
beforeEach(async () => {
  root = await tempDir()
})
afterEach(async () => {
  await removeDir(root)
})

describe('offset checkpoints', () => {
  it("uses Kafka's text format and replaces files atomically", async () => {
    const entries = [
      { topic: 'a.b-c', partition: 0, offset: 42n },
      { topic: 'x', partition: 12, offset: 0n },
    ]
    expect(formatCheckpoint(entries)).toBe('0\n2\na.b-c 0 42\nx 12 0\n')
    const path = join(root, 'recovery-point-offset-checkpoint')
    await writeCheckpoint(path, entries)
    await writeCheckpoint(path, entries.slice(1))
    expect(readFileSync(path, 'utf8')).toBe('0\n1\nx 12 0\n')
    expect(readdirSync(root)).toEqual(['recovery-point-offset-checkpoint'])
    expect((await readCheckpoint(path)).get(checkpointKey('x', 12))).toBe(0n)
    expect((await readCheckpoint(join(root, 'missing'))).size).toBe(0)
  })

  it('rejects malformed files', async () => {
    for (const text of ['1\n0\n', '0\n2\nt 0 1\n', '0\n1\nt zero 1\n', '0\n1\nt 0\n', '']) {
      expect(() => parseCheckpoint(text), JSON.stringify(text)).toThrow(CheckpointFormatError)
    }
    writeFileSync(join(root, 'bad'), 'garbage')
    await expect(readCheckpoint(join(root, 'bad'))).rejects.toBeInstanceOf(CheckpointFormatError)
  })
})
