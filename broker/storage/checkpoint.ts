// Kafka's offset checkpoint files (`recovery-point-offset-checkpoint`, `log-start-offset-checkpoint`):
//   0                       version
//   N                       entry count
//   <topic> <partition> <offset>   N lines
// Written atomically: a temp file, fsync, rename over the old one, fsync of the directory.
import { open, readFile, rename } from 'node:fs/promises'
import { dirname } from 'node:path'

export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint'
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint'

export interface CheckpointEntry {
  topic: string
  partition: number
  offset: bigint
}

/** `topic\0partition` keys, so lookups need no nested maps. */
export function checkpointKey(topic: string, partition: number): string {
  return `${topic}\0${partition}`
}

export class CheckpointFormatError extends Error {}

export function formatCheckpoint(entries: readonly CheckpointEntry[]): string {
  const lines = ['0', String(entries.length)]
  for (const e of entries) lines.push(`${e.topic} ${e.partition} ${e.offset}`)
  return lines.join('\n') + '\n'
}

export function parseCheckpoint(text: string): CheckpointEntry[] {
  const lines = text.split('\n').filter((l, i, all) => l !== '' || i < all.length - 1)
  if (lines[0]?.trim() !== '0') throw new CheckpointFormatError(`unsupported checkpoint version: ${lines[0]}`)
  const count = Number(lines[1])
  if (!Number.isInteger(count) || count < 0 || lines.length - 2 !== count)
    throw new CheckpointFormatError(`checkpoint expects ${lines[1]} entries, has ${lines.length - 2}`)
  return lines.slice(2).map((line) => {
    const parts = line.trim().split(' ')
    const [topic, partition, offset] = parts
    if (parts.length !== 3 || !topic || !/^\d+$/.test(partition ?? '') || !/^-?\d+$/.test(offset ?? ''))
      throw new CheckpointFormatError(`malformed checkpoint line: ${line}`)
    return { topic, partition: Number(partition), offset: BigInt(offset as string) }
  })
}

/** Entries keyed by checkpointKey; an absent file is empty. A corrupt one throws CheckpointFormatError. */
export async function readCheckpoint(path: string): Promise<Map<string, bigint>> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new Map()
    throw err
  }
  return new Map(parseCheckpoint(text).map((e) => [checkpointKey(e.topic, e.partition), e.offset]))
}

/** Replaces `path` atomically with `entries`. */
export async function writeCheckpoint(path: string, entries: readonly CheckpointEntry[]): Promise<void> {
  await writeFileAtomically(path, formatCheckpoint(entries))
}

export async function writeFileAtomically(path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp`
  const fh = await open(tmp, 'w')
  try {
    await fh.writeFile(content)
    await fh.sync()
  } finally {
    await fh.close()
  }
  await rename(tmp, path)
  await syncDir(dirname(path))
}

/** Makes a rename or unlink in `dir` durable. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r')
  try {
    await fh.sync()
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic.
  } finally {
    await fh.close()
  }
}
