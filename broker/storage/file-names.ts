// Kafka's on-disk names: `<topic>-<partition>/` directories, `<20-digit base offset>.<suffix>` segment files,
// and the suffixes of files in transit (.cleaned/.swap during compaction, .deleted before unlink).
import { join } from 'node:path'

export const LOG_SUFFIX = '.log'
export const INDEX_SUFFIX = '.index'
export const TIME_INDEX_SUFFIX = '.timeindex'
export const DELETED_SUFFIX = '.deleted'
export const CLEANED_SUFFIX = '.cleaned'
export const SWAP_SUFFIX = '.swap'
export const DELETE_DIR_SUFFIX = '-delete'

/** Kafka pads base offsets to 20 digits so that names sort like offsets. */
export function offsetFileStem(offset: bigint): string {
  return offset.toString().padStart(20, '0')
}

export function segmentFile(dir: string, baseOffset: bigint, suffix: string): string {
  return join(dir, offsetFileStem(baseOffset) + suffix)
}

/** The base offset of `<20 digits><suffix>`, or null for any other name. */
export function parseSegmentFileName(name: string, suffix: string): bigint | null {
  if (!name.endsWith(suffix)) return null
  const stem = name.slice(0, -suffix.length)
  return /^\d{20}$/.test(stem) ? BigInt(stem) : null
}

export interface TopicPartition {
  topic: string
  partition: number
}

/** Splits `<topic>-<partition>` at the last '-' (topic names may contain '-' and '.'). */
export function parseLogDirName(name: string): TopicPartition | null {
  const i = name.lastIndexOf('-')
  if (i <= 0) return null
  const topic = name.slice(0, i)
  const digits = name.slice(i + 1)
  if (!/^\d+$/.test(digits) || digits.length > 10) return null
  const partition = Number(digits)
  if (partition > 2147483647) return null
  return { topic, partition }
}

export function logDirName(topic: string, partition: number): string {
  return `${topic}-${partition}`
}
