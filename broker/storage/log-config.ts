// Topic (log) configuration under Kafka's names, with Kafka's defaults, types and validation.
//
// - TOPIC_CONFIGS: every topic config name the broker knows, with its Kafka type, default and a one-line doc
//   (DescribeConfigs, CreateTopics and AlterConfigs read it).
// - validateTopicConfig(name, value): null when Kafka would accept the value, else a message for the client.
// - logConfigFromMap(map, base): a typed LogConfig from Kafka's string map, on top of `base` (the broker's
//   defaults, themselves DEFAULT_LOG_CONFIG unless configured). Throws InvalidConfigError on a bad value.
// - logConfigToMap(cfg): the effective values as Kafka's string map (DescribeConfigs).
// Long values that stand for "never" (Long.MAX_VALUE) become Infinity-sized numbers: every duration and size
// here is a number, exact up to 2^53, which is far beyond any meaningful millisecond or byte count.
import { InvalidConfigError } from './errors.ts'

export type ConfigType = 'boolean' | 'string' | 'int' | 'long' | 'double' | 'list'

export interface TopicConfigDef {
  name: string
  type: ConfigType
  /** Kafka's default, as Kafka prints it in DescribeConfigs. */
  default: string
  doc: string
  /** Null when acceptable; otherwise why not. Only called on values of the right type. */
  check?: (value: string) => string | null
}

export type CleanupPolicy = 'delete' | 'compact'
export type TimestampType = 'CreateTime' | 'LogAppendTime'

export interface LogConfig {
  cleanupPolicy: readonly CleanupPolicy[]
  compressionType: string
  deleteRetentionMs: number
  fileDeleteDelayMs: number
  flushMessages: number
  flushMs: number
  indexIntervalBytes: number
  maxCompactionLagMs: number
  maxMessageBytes: number
  messageTimestampType: TimestampType
  minCleanableDirtyRatio: number
  minCompactionLagMs: number
  minInsyncReplicas: number
  retentionBytes: number
  retentionMs: number
  segmentBytes: number
  segmentIndexBytes: number
  segmentJitterMs: number
  segmentMs: number
}

const LONG_MAX = '9223372036854775807'
const INT_MIN = -2147483648
const INT_MAX = 2147483647

const atLeast = (min: number) => (v: string) => (Number(v) >= min ? null : `must be at least ${min}`)
const oneOf = (values: readonly string[]) => (v: string) =>
  values.includes(v) ? null : `must be one of ${values.join(', ')}`
const between = (min: number, max: number) => (v: string) => {
  const n = Number(v)
  return n >= min && n <= max ? null : `must be between ${min} and ${max}`
}

export const TOPIC_CONFIGS: readonly TopicConfigDef[] = [
  {
    name: 'cleanup.policy',
    type: 'list',
    default: 'delete',
    doc: 'delete: remove old segments by retention; compact: keep the latest record per key; or both.',
    check: (v) => {
      const parts = v.split(',').map((s) => s.trim())
      if (parts.length === 0 || parts.some((p) => p !== 'delete' && p !== 'compact'))
        return 'must be a comma-separated list of delete, compact'
      return null
    },
  },
  {
    name: 'compression.type',
    type: 'string',
    default: 'producer',
    doc: 'Final compression of the topic; producer keeps what the producer sent.',
    check: oneOf(['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer']),
  },
  {
    name: 'delete.retention.ms',
    type: 'long',
    default: '86400000',
    doc: 'How long tombstones (and transaction markers) are kept in a compacted topic.',
    check: atLeast(0),
  },
  {
    name: 'file.delete.delay.ms',
    type: 'long',
    default: '60000',
    doc: 'Delay before a deleted segment file is removed from the file system.',
    check: atLeast(0),
  },
  {
    name: 'flush.messages',
    type: 'long',
    default: LONG_MAX,
    doc: 'Force an fsync after this many messages.',
    check: atLeast(1),
  },
  {
    name: 'flush.ms',
    type: 'long',
    default: LONG_MAX,
    doc: 'Force an fsync when data is older than this many milliseconds.',
    check: atLeast(0),
  },
  {
    name: 'follower.replication.throttled.replicas',
    type: 'list',
    default: '',
    doc: 'Replicas whose follower replication is throttled.',
  },
  {
    name: 'index.interval.bytes',
    type: 'int',
    default: '4096',
    doc: 'Bytes of log between two entries of the offset index.',
    check: atLeast(0),
  },
  {
    name: 'leader.replication.throttled.replicas',
    type: 'list',
    default: '',
    doc: 'Replicas whose leader replication is throttled.',
  },
  {
    name: 'local.retention.bytes',
    type: 'long',
    default: '-2',
    doc: 'Local retention with tiered storage (-2: same as retention.bytes).',
    check: atLeast(-2),
  },
  {
    name: 'local.retention.ms',
    type: 'long',
    default: '-2',
    doc: 'Local retention with tiered storage (-2: same as retention.ms).',
    check: atLeast(-2),
  },
  {
    name: 'max.compaction.lag.ms',
    type: 'long',
    default: LONG_MAX,
    doc: 'Longest time a record stays uncompacted.',
    check: atLeast(1),
  },
  {
    name: 'max.message.bytes',
    type: 'int',
    default: '1048588',
    doc: 'Largest record batch the topic accepts.',
    check: atLeast(0),
  },
  {
    name: 'message.timestamp.after.max.ms',
    type: 'long',
    default: LONG_MAX,
    doc: 'How far in the future a CreateTime timestamp may be.',
    check: atLeast(0),
  },
  {
    name: 'message.timestamp.before.max.ms',
    type: 'long',
    default: LONG_MAX,
    doc: 'How far in the past a CreateTime timestamp may be.',
    check: atLeast(0),
  },
  {
    name: 'message.timestamp.type',
    type: 'string',
    default: 'CreateTime',
    doc: 'CreateTime keeps the producer timestamp; LogAppendTime stamps batches with the broker clock.',
    check: oneOf(['CreateTime', 'LogAppendTime']),
  },
  {
    name: 'min.cleanable.dirty.ratio',
    type: 'double',
    default: '0.5',
    doc: 'Share of uncompacted log that triggers compaction.',
    check: between(0, 1),
  },
  {
    name: 'min.compaction.lag.ms',
    type: 'long',
    default: '0',
    doc: 'Shortest time a record stays uncompacted.',
    check: atLeast(0),
  },
  {
    name: 'min.insync.replicas',
    type: 'int',
    default: '1',
    doc: 'Replicas that must acknowledge an acks=all write.',
    check: atLeast(1),
  },
  {
    name: 'preallocate',
    type: 'boolean',
    default: 'false',
    doc: 'Preallocate segment files (accepted, not used).',
  },
  {
    name: 'remote.storage.enable',
    type: 'boolean',
    default: 'false',
    doc: 'Tiered storage (not supported; accepted as false only).',
    check: (v) => (v === 'false' ? null : 'tiered storage is not supported'),
  },
  {
    name: 'retention.bytes',
    type: 'long',
    default: '-1',
    doc: 'Largest size of the partition before old segments are deleted (-1: no limit).',
  },
  {
    name: 'retention.ms',
    type: 'long',
    default: '604800000',
    doc: 'How long segments are kept before deletion (-1: forever).',
    check: atLeast(-1),
  },
  {
    name: 'segment.bytes',
    type: 'int',
    default: '1073741824',
    doc: 'Size at which a new segment file is started.',
    check: atLeast(14),
  },
  {
    name: 'segment.index.bytes',
    type: 'int',
    default: '10485760',
    doc: 'Largest size of an offset or time index; a full index starts a new segment.',
    check: atLeast(4),
  },
  {
    name: 'segment.jitter.ms',
    type: 'long',
    default: '0',
    doc: 'Random jitter subtracted from segment.ms.',
    check: atLeast(0),
  },
  {
    name: 'segment.ms',
    type: 'long',
    default: '604800000',
    doc: 'Age at which a new segment file is started.',
    check: atLeast(1),
  },
  {
    name: 'unclean.leader.election.enable',
    type: 'boolean',
    default: 'false',
    doc: 'Allow out-of-sync replicas to become leader.',
  },
]

const DEFS = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]))

export const TOPIC_CONFIG_NAMES: readonly string[] = TOPIC_CONFIGS.map((d) => d.name)

function typeError(def: TopicConfigDef, value: string): string | null {
  switch (def.type) {
    case 'boolean':
      return value === 'true' || value === 'false' ? null : 'must be true or false'
    case 'int':
    case 'long': {
      if (!/^-?\d+$/.test(value.trim())) return `must be an integer`
      const n = BigInt(value.trim())
      if (def.type === 'int' && (n < BigInt(INT_MIN) || n > BigInt(INT_MAX))) return 'must fit in an int32'
      if (n < -(2n ** 63n) || n >= 2n ** 63n) return 'must fit in an int64'
      return null
    }
    case 'double':
      return value.trim() !== '' && Number.isFinite(Number(value)) ? null : 'must be a number'
    case 'string':
    case 'list':
      return null
  }
}

/** Null when Kafka would accept `value` for topic config `name`; otherwise a message for the client. */
export function validateTopicConfig(name: string, value: string): string | null {
  const def = DEFS.get(name)
  if (!def) return `Unknown topic config name: ${name}`
  const err = typeError(def, value) ?? def.check?.(value.trim()) ?? null
  return err === null ? null : `Invalid value ${value} for configuration ${name}: ${err}`
}

function num(map: Readonly<Record<string, string>>, name: string, fallback: number): number {
  const v = map[name]
  return v === undefined ? fallback : Number(v.trim())
}

/** A LogConfig from Kafka's string map on top of `base`. Unknown names and bad values throw InvalidConfigError. */
export function logConfigFromMap(
  map: Readonly<Record<string, string>>,
  base: LogConfig = DEFAULT_LOG_CONFIG,
): LogConfig {
  for (const [name, value] of Object.entries(map)) {
    const err = validateTopicConfig(name, value)
    if (err) throw new InvalidConfigError(err)
  }
  const policy = map['cleanup.policy']
  return {
    cleanupPolicy:
      policy === undefined
        ? base.cleanupPolicy
        : [...new Set(policy.split(',').map((s) => s.trim() as CleanupPolicy))],
    compressionType: map['compression.type']?.trim() ?? base.compressionType,
    deleteRetentionMs: num(map, 'delete.retention.ms', base.deleteRetentionMs),
    fileDeleteDelayMs: num(map, 'file.delete.delay.ms', base.fileDeleteDelayMs),
    flushMessages: num(map, 'flush.messages', base.flushMessages),
    flushMs: num(map, 'flush.ms', base.flushMs),
    indexIntervalBytes: num(map, 'index.interval.bytes', base.indexIntervalBytes),
    maxCompactionLagMs: num(map, 'max.compaction.lag.ms', base.maxCompactionLagMs),
    maxMessageBytes: num(map, 'max.message.bytes', base.maxMessageBytes),
    messageTimestampType:
      (map['message.timestamp.type']?.trim() as TimestampType) ?? base.messageTimestampType,
    minCleanableDirtyRatio: num(map, 'min.cleanable.dirty.ratio', base.minCleanableDirtyRatio),
    minCompactionLagMs: num(map, 'min.compaction.lag.ms', base.minCompactionLagMs),
    minInsyncReplicas: num(map, 'min.insync.replicas', base.minInsyncReplicas),
    retentionBytes: num(map, 'retention.bytes', base.retentionBytes),
    retentionMs: num(map, 'retention.ms', base.retentionMs),
    segmentBytes: num(map, 'segment.bytes', base.segmentBytes),
    segmentIndexBytes: num(map, 'segment.index.bytes', base.segmentIndexBytes),
    segmentJitterMs: num(map, 'segment.jitter.ms', base.segmentJitterMs),
    segmentMs: num(map, 'segment.ms', base.segmentMs),
  }
}

function defaultsOf(): Record<string, string> {
  return Object.fromEntries(TOPIC_CONFIGS.map((d) => [d.name, d.default]))
}

/** Kafka's defaults, as a typed LogConfig. */
export const DEFAULT_LOG_CONFIG: LogConfig = Object.freeze(
  logConfigFromMap(defaultsOf(), {
    cleanupPolicy: ['delete'],
    compressionType: 'producer',
    deleteRetentionMs: 0,
    fileDeleteDelayMs: 0,
    flushMessages: 0,
    flushMs: 0,
    indexIntervalBytes: 0,
    maxCompactionLagMs: 0,
    maxMessageBytes: 0,
    messageTimestampType: 'CreateTime',
    minCleanableDirtyRatio: 0,
    minCompactionLagMs: 0,
    minInsyncReplicas: 0,
    retentionBytes: 0,
    retentionMs: 0,
    segmentBytes: 0,
    segmentIndexBytes: 0,
    segmentJitterMs: 0,
    segmentMs: 0,
  }),
)

/**
 * Strata's broker-level defaults where they differ from Kafka's (see DURABILITY.md): a local development
 * broker fsyncs once a second. The broker's `log.flush.interval.ms` default should carry the same value.
 */
export const STRATA_BROKER_TOPIC_DEFAULTS: Readonly<Record<string, string>> = Object.freeze({
  'flush.ms': '1000',
})

/** DEFAULT_LOG_CONFIG with STRATA_BROKER_TOPIC_DEFAULTS applied. */
export const STRATA_LOG_CONFIG: LogConfig = Object.freeze(logConfigFromMap(STRATA_BROKER_TOPIC_DEFAULTS))

const LONG_MAX_NUMBER = Number(LONG_MAX)

function longText(n: number): string {
  return n >= LONG_MAX_NUMBER ? LONG_MAX : String(n)
}

/** The storage-relevant values of `cfg` under Kafka's names (DescribeConfigs shows these). */
export function logConfigToMap(cfg: LogConfig): Record<string, string> {
  return {
    'cleanup.policy': cfg.cleanupPolicy.join(','),
    'compression.type': cfg.compressionType,
    'delete.retention.ms': longText(cfg.deleteRetentionMs),
    'file.delete.delay.ms': longText(cfg.fileDeleteDelayMs),
    'flush.messages': longText(cfg.flushMessages),
    'flush.ms': longText(cfg.flushMs),
    'index.interval.bytes': String(cfg.indexIntervalBytes),
    'max.compaction.lag.ms': longText(cfg.maxCompactionLagMs),
    'max.message.bytes': String(cfg.maxMessageBytes),
    'message.timestamp.type': cfg.messageTimestampType,
    'min.cleanable.dirty.ratio': String(cfg.minCleanableDirtyRatio),
    'min.compaction.lag.ms': longText(cfg.minCompactionLagMs),
    'min.insync.replicas': String(cfg.minInsyncReplicas),
    'retention.bytes': longText(cfg.retentionBytes),
    'retention.ms': longText(cfg.retentionMs),
    'segment.bytes': String(cfg.segmentBytes),
    'segment.index.bytes': String(cfg.segmentIndexBytes),
    'segment.jitter.ms': longText(cfg.segmentJitterMs),
    'segment.ms': longText(cfg.segmentMs),
  }
}

export function isCompacted(cfg: LogConfig): boolean {
  return cfg.cleanupPolicy.includes('compact')
}

export function isDeleteEnabled(cfg: LogConfig): boolean {
  return cfg.cleanupPolicy.includes('delete')
}
