// The topic configs offered when creating and editing topics, with Kafka's defaults and checks.
export interface TopicConfigSpec {
  name: string
  defaultValue: string
  doc: string
  kind: 'long' | 'int' | 'enum'
  options?: readonly string[]
  min?: number
}

export const COMMON_TOPIC_CONFIGS: readonly TopicConfigSpec[] = [
  {
    name: 'cleanup.policy',
    defaultValue: 'delete',
    doc: 'delete, compact or both',
    kind: 'enum',
    options: ['delete', 'compact', 'compact,delete'],
  },
  {
    name: 'retention.ms',
    defaultValue: '604800000',
    doc: 'How long to keep data (-1: forever)',
    kind: 'long',
    min: -1,
  },
  {
    name: 'retention.bytes',
    defaultValue: '-1',
    doc: 'Size per partition before old segments go (-1: no limit)',
    kind: 'long',
    min: -1,
  },
  {
    name: 'segment.bytes',
    defaultValue: '1073741824',
    doc: 'Segment file size before rolling',
    kind: 'int',
    min: 14,
  },
  {
    name: 'segment.ms',
    defaultValue: '604800000',
    doc: 'Time before rolling a segment',
    kind: 'long',
    min: 1,
  },
  {
    name: 'max.message.bytes',
    defaultValue: '1048588',
    doc: 'Largest record batch accepted',
    kind: 'int',
    min: 0,
  },
  {
    name: 'min.insync.replicas',
    defaultValue: '1',
    doc: 'Replicas that must acknowledge acks=all',
    kind: 'int',
    min: 1,
  },
  {
    name: 'compression.type',
    defaultValue: 'producer',
    doc: 'Compression kept on disk',
    kind: 'enum',
    options: ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'],
  },
  {
    name: 'message.timestamp.type',
    defaultValue: 'CreateTime',
    doc: 'CreateTime or LogAppendTime',
    kind: 'enum',
    options: ['CreateTime', 'LogAppendTime'],
  },
]

const INT_MAX = 2 ** 31 - 1

export function findConfigSpec(name: string): TopicConfigSpec | undefined {
  return COMMON_TOPIC_CONFIGS.find((c) => c.name === name)
}

/** Null when valid, else a message. Unknown configs are left for the broker to judge. */
export function checkConfigValue(name: string, value: string): string | null {
  const spec = findConfigSpec(name)
  if (!spec) return value.length > 0 ? null : 'Enter a value.'
  if (spec.kind === 'enum') {
    if (name === 'cleanup.policy') {
      const parts = value.split(',').map((p) => p.trim())
      return parts.length > 0 && parts.every((p) => p === 'delete' || p === 'compact')
        ? null
        : 'Use delete, compact or both.'
    }
    return spec.options?.includes(value) ? null : `One of: ${spec.options?.join(', ')}.`
  }
  if (!/^-?\d+$/.test(value.trim())) return 'Enter a whole number.'
  const n = Number(value)
  if (spec.min !== undefined && n < spec.min) return `At least ${spec.min}.`
  if (spec.kind === 'int' && n > INT_MAX) return `At most ${INT_MAX}.`
  if (!Number.isSafeInteger(n)) return 'Number too large.'
  return null
}

export function checkPartitionCount(raw: string, current = 0): string | null {
  if (!/^\d+$/.test(raw.trim())) return 'Enter a whole number.'
  const n = Number(raw)
  if (n < 1) return 'At least 1 partition.'
  if (n > 100_000) return 'At most 100000 partitions.'
  if (current > 0 && n <= current)
    return `More than the current ${current} (partitions can never be removed).`
  return null
}

export function checkReplicationFactor(raw: string, brokers: number): string | null {
  if (!/^\d+$/.test(raw.trim())) return 'Enter a whole number.'
  const n = Number(raw)
  if (n < 1) return 'At least 1.'
  if (brokers > 0 && n > brokers)
    return `At most ${brokers}: the cluster has ${brokers} broker${brokers === 1 ? '' : 's'}.`
  return null
}
