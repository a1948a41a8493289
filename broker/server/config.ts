// Broker configs with Kafka's names, types, defaults and validation, and the broker -> topic default
// mapping (log.retention.ms feeds retention.ms, ...), the way Kafka's KafkaConfig and LogConfig do it.
//
// Where Strata's default departs from Kafka's, it is for a local single-node broker:
// - offsets.topic.replication.factor and transaction.state.log.replication.factor are 1 (Kafka: 3),
//   the only value a one-broker cluster can satisfy.
// - group.initial.rebalance.delay.ms is 0 (Kafka: 3000). The delay batches joins of many consumers that
//   start together in production; on a developer's machine it only makes every first join 3 s slower.
//   Kafka's own example config/server.properties sets 0 for the same reason.
// - max.connections is 1000 (Kafka: unlimited), so a runaway local client cannot exhaust file handles.

export type ConfigType = 'boolean' | 'int' | 'long' | 'double' | 'string' | 'list' | 'password'

export interface BrokerConfigDef {
  name: string
  type: ConfigType
  /** Kafka's default as text; null where Kafka has no default (a synonym decides). */
  default: string | null
  /** Can be changed at run time with AlterConfigs (Kafka's dynamic broker configs). */
  dynamic: boolean
  sensitive?: boolean
  /** Extra check beyond the type: returns an error message or null. */
  check?: (value: string) => string | null
  doc: string
}

// ConfigSource values of DescribeConfigs v1+.
export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
} as const

const INT_MAX = 2147483647
const LONG_MAX = '9223372036854775807'

function atLeast(min: number | bigint): (v: string) => string | null {
  return (v) => (BigInt(v) >= BigInt(min) ? null : `must be at least ${min}`)
}
function oneOf(...allowed: string[]): (v: string) => string | null {
  return (v) => (allowed.includes(v) ? null : `must be one of ${allowed.join(', ')}`)
}
function listOf(...allowed: string[]): (v: string) => string | null {
  return (v) => {
    const items = v.split(',').map((s) => s.trim())
    const bad = items.find((i) => !allowed.includes(i))
    return bad === undefined ? null : `unknown value '${bad}' (allowed: ${allowed.join(', ')})`
  }
}

const COMPRESSION = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer']

function def(
  name: string,
  type: ConfigType,
  dflt: string | null,
  dynamic: boolean,
  doc: string,
  check?: (v: string) => string | null,
): BrokerConfigDef {
  return check
    ? { name, type, default: dflt, dynamic, doc, check }
    : { name, type, default: dflt, dynamic, doc }
}

const DEFS: BrokerConfigDef[] = [
  def('node.id', 'int', '1', false, 'This broker node id (a single-node cluster)', atLeast(0)),
  def('broker.id', 'int', '1', false, 'Alias of node.id', atLeast(0)),
  def('log.dirs', 'string', null, false, 'Data directory (set with --data-dir)'),
  def(
    'auto.create.topics.enable',
    'boolean',
    'true',
    false,
    'Create a topic on first Metadata request for it',
  ),
  def('num.partitions', 'int', '1', false, 'Default partition count of new topics', atLeast(1)),
  def('default.replication.factor', 'int', '1', false, 'Default replication factor', atLeast(1)),
  def('delete.topic.enable', 'boolean', 'true', false, 'Allow DeleteTopics'),
  def(
    'log.retention.ms',
    'long',
    null,
    true,
    'Retention time (overrides minutes/hours); -1 = unlimited',
    atLeast(-1),
  ),
  def('log.retention.minutes', 'int', null, true, 'Retention time in minutes', atLeast(-1)),
  def('log.retention.hours', 'int', '168', true, 'Retention time in hours', atLeast(-1)),
  def('log.retention.bytes', 'long', '-1', true, 'Retention size per partition; -1 = unlimited', atLeast(-1)),
  def('log.retention.check.interval.ms', 'long', '300000', false, 'How often retention runs', atLeast(1)),
  def('log.segment.bytes', 'int', '1073741824', true, 'Segment file size', atLeast(14)),
  def('log.roll.ms', 'long', null, true, 'Segment roll time (overrides hours)', atLeast(1)),
  def('log.roll.hours', 'int', '168', true, 'Segment roll time in hours', atLeast(1)),
  def('log.roll.jitter.ms', 'long', null, true, 'Segment roll jitter', atLeast(0)),
  def('log.roll.jitter.hours', 'int', '0', true, 'Segment roll jitter in hours', atLeast(0)),
  def('log.index.size.max.bytes', 'int', '10485760', true, 'Offset index size', atLeast(4)),
  def('log.index.interval.bytes', 'int', '4096', true, 'Bytes between index entries', atLeast(0)),
  def('log.cleanup.policy', 'list', 'delete', true, 'delete and/or compact', listOf('delete', 'compact')),
  def('log.cleaner.enable', 'boolean', 'true', false, 'Run the log cleaner'),
  def('log.cleaner.backoff.ms', 'long', '15000', false, 'How often the cleaner looks for work', atLeast(1)),
  def('log.cleaner.delete.retention.ms', 'long', '86400000', true, 'Tombstone retention', atLeast(0)),
  def('log.cleaner.min.compaction.lag.ms', 'long', '0', true, 'Minimum compaction lag', atLeast(0)),
  def('log.cleaner.max.compaction.lag.ms', 'long', LONG_MAX, true, 'Maximum compaction lag', atLeast(1)),
  def('log.cleaner.min.cleanable.ratio', 'double', '0.5', true, 'Dirty ratio to clean', (v) =>
    Number(v) >= 0 && Number(v) <= 1 ? null : 'must be between 0 and 1',
  ),
  def(
    'log.segment.delete.delay.ms',
    'long',
    '60000',
    true,
    'Delay before deleting a segment file',
    atLeast(0),
  ),
  def('log.flush.interval.messages', 'long', LONG_MAX, true, 'Messages between fsyncs', atLeast(1)),
  // Kafka never forces an fsync; a local broker syncs once a second (see README, Durability): a crash of the
  // broker loses nothing, a power cut at most the last second.
  def('log.flush.interval.ms', 'long', '1000', true, 'Time between fsyncs', atLeast(0)),
  def('log.flush.scheduler.interval.ms', 'long', LONG_MAX, false, 'Flush check interval', atLeast(0)),
  def('log.preallocate', 'boolean', 'false', true, 'Preallocate segment files'),
  def(
    'log.message.timestamp.type',
    'string',
    'CreateTime',
    true,
    'CreateTime or LogAppendTime',
    oneOf('CreateTime', 'LogAppendTime'),
  ),
  def('log.message.timestamp.before.max.ms', 'long', LONG_MAX, true, 'Allowed timestamp lag', atLeast(0)),
  def('log.message.timestamp.after.max.ms', 'long', LONG_MAX, true, 'Allowed timestamp lead', atLeast(0)),
  def('message.max.bytes', 'int', '1048588', true, 'Largest record batch', atLeast(0)),
  def(
    'compression.type',
    'string',
    'producer',
    true,
    'Final compression of topic data',
    oneOf(...COMPRESSION),
  ),
  def('min.insync.replicas', 'int', '1', true, 'Minimum in-sync replicas for acks=all', atLeast(1)),
  def('unclean.leader.election.enable', 'boolean', 'false', true, 'Allow unclean leader election'),
  def('socket.request.max.bytes', 'int', '104857600', false, 'Largest request frame', atLeast(1)),
  def('socket.send.buffer.bytes', 'int', '102400', false, 'SO_SNDBUF (-1 = OS default)', atLeast(-1)),
  def('socket.receive.buffer.bytes', 'int', '102400', false, 'SO_RCVBUF (-1 = OS default)', atLeast(-1)),
  def('max.connections', 'int', '1000', true, 'Most client connections at once', atLeast(0)),
  def(
    'max.connections.per.ip',
    'int',
    String(INT_MAX),
    true,
    'Most connections from one address',
    atLeast(0),
  ),
  def('connections.max.idle.ms', 'long', '600000', false, 'Close idle connections after this', atLeast(0)),
  def('queued.max.requests', 'int', '500', false, 'In-flight requests per connection', atLeast(1)),
  def('quota.window.num', 'int', '11', false, 'Samples kept to measure client quota rates', atLeast(1)),
  def('quota.window.size.seconds', 'int', '1', false, 'Length of one client quota sample', atLeast(1)),
  def('controller.quota.window.num', 'int', '11', false, 'Samples of the mutation rate quota', atLeast(1)),
  def('controller.quota.window.size.seconds', 'int', '1', false, 'One mutation quota sample', atLeast(1)),
  def('fetch.max.bytes', 'int', '57671680', false, 'Largest Fetch response', atLeast(1024)),
  def('max.incremental.fetch.session.cache.slots', 'int', '1000', false, 'Fetch session slots', atLeast(0)),
  def('offsets.topic.num.partitions', 'int', '50', false, 'Partitions of __consumer_offsets', atLeast(1)),
  def('offsets.topic.replication.factor', 'int', '1', false, 'Replication of __consumer_offsets', atLeast(1)),
  def(
    'offsets.topic.segment.bytes',
    'int',
    '104857600',
    false,
    'Segment size of __consumer_offsets',
    atLeast(1),
  ),
  def('offsets.retention.minutes', 'int', '10080', false, 'Committed offset retention', atLeast(1)),
  def(
    'offsets.retention.check.interval.ms',
    'long',
    '600000',
    false,
    'Offset expiry check interval',
    atLeast(1),
  ),
  def('offsets.commit.timeout.ms', 'int', '5000', false, 'Offset commit timeout', atLeast(1)),
  def(
    'group.initial.rebalance.delay.ms',
    'int',
    '0',
    false,
    'Wait for more members before first rebalance',
    atLeast(0),
  ),
  def('group.min.session.timeout.ms', 'int', '6000', false, 'Smallest allowed session timeout', atLeast(0)),
  def('group.max.session.timeout.ms', 'int', '1800000', false, 'Largest allowed session timeout', atLeast(0)),
  def('group.max.size', 'int', String(INT_MAX), false, 'Most members in a group', atLeast(1)),
  def('transaction.max.timeout.ms', 'int', '900000', false, 'Largest transaction timeout', atLeast(1)),
  def(
    'transaction.abort.timed.out.transaction.cleanup.interval.ms',
    'int',
    '10000',
    false,
    'How often timed-out transactions are aborted',
    atLeast(1),
  ),
  def(
    'transactional.id.expiration.ms',
    'int',
    '604800000',
    false,
    'Expire idle transactional ids',
    atLeast(1),
  ),
  def(
    'transaction.state.log.num.partitions',
    'int',
    '50',
    false,
    'Partitions of __transaction_state',
    atLeast(1),
  ),
  def(
    'transaction.state.log.replication.factor',
    'int',
    '1',
    false,
    'Replication of __transaction_state',
    atLeast(1),
  ),
  def('transaction.state.log.min.isr', 'int', '1', false, 'Min ISR of __transaction_state', atLeast(1)),
  def(
    'transaction.state.log.segment.bytes',
    'int',
    '104857600',
    false,
    'Segment size of __transaction_state',
    atLeast(1),
  ),
  def('authorizer.class.name', 'string', '', false, 'Set (to any class name) to turn ACL authorization on'),
  def('super.users', 'string', '', false, 'Principals allowed everything, separated by ;'),
  def(
    'allow.everyone.if.no.acl.found',
    'boolean',
    'false',
    false,
    'With an authorizer: allow access to resources that have no ACL',
  ),
  def(
    'listeners',
    'string',
    'PLAINTEXT://:9092',
    false,
    'Listeners to bind, NAME://host:port separated by commas; each name maps to a security protocol',
  ),
  def(
    'advertised.listeners',
    'string',
    null,
    false,
    'NAME://host:port per listener: the address clients connected on that listener are told to use',
  ),
  def(
    'listener.security.protocol.map',
    'string',
    'PLAINTEXT:PLAINTEXT,SSL:SSL,SASL_PLAINTEXT:SASL_PLAINTEXT,SASL_SSL:SASL_SSL',
    false,
    'Listener name to security protocol',
  ),
  def(
    'sasl.enabled.mechanisms',
    'list',
    'PLAIN,SCRAM-SHA-256,SCRAM-SHA-512',
    false,
    'SASL mechanisms served on SASL listeners',
    listOf('PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512'),
  ),
  {
    name: 'listener.name.sasl_plaintext.plain.sasl.jaas.config',
    type: 'password',
    default: null,
    dynamic: false,
    sensitive: true,
    doc: 'PlainLoginModule JAAS config with user_<name>="<password>" entries for SASL/PLAIN',
  },
  def(
    'connection.failed.authentication.delay.ms',
    'int',
    '100',
    false,
    'Delay before answering a failed authentication',
    atLeast(0),
  ),
  def(
    'ssl.keystore.type',
    'string',
    'PEM',
    false,
    'Keystore format of SSL listeners (PEM only)',
    oneOf('PEM'),
  ),
  def('ssl.keystore.location', 'string', null, false, 'PEM file with the private key and certificate chain'),
  {
    name: 'ssl.key.password',
    type: 'password',
    default: null,
    dynamic: false,
    sensitive: true,
    doc: 'Passphrase of an encrypted private key',
  },
  def(
    'ssl.client.auth',
    'string',
    'none',
    false,
    'Client certificates on SSL listeners: none, requested or required',
    oneOf('none', 'requested', 'required'),
  ),
  def('ssl.truststore.type', 'string', 'PEM', false, 'Trust store format (PEM only)', oneOf('PEM')),
  def(
    'ssl.truststore.location',
    'string',
    null,
    false,
    'PEM file with the CA certificates trusted for clients',
  ),
  {
    name: 'ssl.truststore.certificates',
    type: 'password',
    default: null,
    dynamic: false,
    sensitive: true,
    doc: 'Trusted CA certificates as inline PEM',
  },
  def(
    'ssl.principal.mapping.rules',
    'string',
    'DEFAULT',
    false,
    'Rules mapping a client certificate subject (RFC 2253) to a principal name',
  ),
  {
    name: 'listener.name.sasl_ssl.plain.sasl.jaas.config',
    type: 'password',
    default: null,
    dynamic: false,
    sensitive: true,
    doc: 'PlainLoginModule JAAS config with user_<name>="<password>" entries for SASL/PLAIN over TLS',
  },
  def(
    'sasl.server.max.receive.size',
    'int',
    '524288',
    false,
    'Largest request frame accepted before SASL authentication',
    atLeast(1),
  ),
  def('producer.id.expiration.ms', 'int', '86400000', true, 'Expire idle producer ids', atLeast(1)),
]

export const BROKER_CONFIGS: ReadonlyMap<string, BrokerConfigDef> = new Map(DEFS.map((d) => [d.name, d]))

const INT_RE = /^-?\d+$/

/** Configs a listener may override as `listener.name.<listener>.<config>` (Kafka's per-listener prefix). */
const PER_LISTENER = [
  'sasl.enabled.mechanisms',
  'plain.sasl.jaas.config',
  'ssl.keystore.location',
  'ssl.keystore.type',
  'ssl.key.password',
  'ssl.client.auth',
  'ssl.truststore.type',
  'ssl.truststore.location',
  'ssl.truststore.certificates',
  'ssl.principal.mapping.rules',
]

function listenerOverride(name: string): BrokerConfigDef | undefined {
  const m = /^listener\.name\.[a-z0-9_]+\.(.+)$/.exec(name)
  const base = m?.[1]
  if (base === undefined || !PER_LISTENER.includes(base)) return undefined
  if (base === 'plain.sasl.jaas.config') {
    return {
      name,
      type: 'password',
      default: null,
      dynamic: false,
      sensitive: true,
      doc: 'PLAIN users of one listener',
    }
  }
  const d = BROKER_CONFIGS.get(base)
  return d ? { ...d, name } : undefined
}

/** Checks one broker config value; returns an error message, or null when it is valid. */
export function validateBrokerConfig(name: string, value: string): string | null {
  const d = BROKER_CONFIGS.get(name) ?? listenerOverride(name)
  if (!d) return `unknown broker config '${name}'`
  const v = value.trim()
  switch (d.type) {
    case 'boolean':
      if (v !== 'true' && v !== 'false') return `${name}: '${value}' is not a boolean (true or false)`
      break
    case 'int':
    case 'long': {
      if (!INT_RE.test(v)) return `${name}: '${value}' is not an integer`
      const n = BigInt(v)
      const [lo, hi] = d.type === 'int' ? [-(2n ** 31n), 2n ** 31n - 1n] : [-(2n ** 63n), 2n ** 63n - 1n]
      if (n < lo || n > hi) return `${name}: '${value}' is out of range for ${d.type}`
      break
    }
    case 'double':
      if (v === '' || !Number.isFinite(Number(v))) return `${name}: '${value}' is not a number`
      break
    default:
      break
  }
  const problem = d.check?.(v)
  return problem ? `${name}: '${value}' ${problem}` : null
}

export interface ConfigValue {
  value: string | null
  source: number
}

/** Topic config name -> broker configs that set its default, strongest first (Kafka's synonyms). */
export const TOPIC_CONFIG_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  'cleanup.policy': ['log.cleanup.policy'],
  'compression.type': ['compression.type'],
  'delete.retention.ms': ['log.cleaner.delete.retention.ms'],
  'file.delete.delay.ms': ['log.segment.delete.delay.ms'],
  'flush.messages': ['log.flush.interval.messages'],
  'flush.ms': ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'],
  'index.interval.bytes': ['log.index.interval.bytes'],
  'max.compaction.lag.ms': ['log.cleaner.max.compaction.lag.ms'],
  'max.message.bytes': ['message.max.bytes'],
  'message.timestamp.type': ['log.message.timestamp.type'],
  'message.timestamp.before.max.ms': ['log.message.timestamp.before.max.ms'],
  'message.timestamp.after.max.ms': ['log.message.timestamp.after.max.ms'],
  'min.cleanable.dirty.ratio': ['log.cleaner.min.cleanable.ratio'],
  'min.compaction.lag.ms': ['log.cleaner.min.compaction.lag.ms'],
  'min.insync.replicas': ['min.insync.replicas'],
  preallocate: ['log.preallocate'],
  'retention.bytes': ['log.retention.bytes'],
  'retention.ms': ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'],
  'segment.bytes': ['log.segment.bytes'],
  'segment.index.bytes': ['log.index.size.max.bytes'],
  'segment.jitter.ms': ['log.roll.jitter.ms', 'log.roll.jitter.hours'],
  'segment.ms': ['log.roll.ms', 'log.roll.hours'],
  'unclean.leader.election.enable': ['unclean.leader.election.enable'],
}

/** Multiplier that turns a synonym's unit into the topic config's milliseconds. */
function unitScale(brokerName: string): bigint {
  if (brokerName.endsWith('.hours')) return 3_600_000n
  if (brokerName.endsWith('.minutes')) return 60_000n
  return 1n
}

/**
 * Broker configs: defaults < static (flags, --config) < dynamic cluster default < dynamic per-broker.
 * Dynamic values come from ConfigRecords in the metadata log; the store calls setDynamic on replay.
 */
export class BrokerConfig {
  readonly #static = new Map<string, string>()
  readonly #dynamicDefault = new Map<string, string>()
  readonly #dynamic = new Map<string, string>()

  /** Throws a ConfigError listing every bad entry. */
  constructor(staticValues: Record<string, string> = {}) {
    const problems: string[] = []
    for (const [name, value] of Object.entries(staticValues)) {
      const problem = validateBrokerConfig(name, value)
      if (problem) problems.push(problem)
      else this.#static.set(name, value.trim())
    }
    if (problems.length > 0) throw new ConfigError(problems)
  }

  /** Effective value and where it came from. */
  describe(name: string): ConfigValue {
    const dyn = this.#dynamic.get(name)
    if (dyn !== undefined) return { value: dyn, source: ConfigSource.DYNAMIC_BROKER_CONFIG }
    const dynDefault = this.#dynamicDefault.get(name)
    if (dynDefault !== undefined)
      return { value: dynDefault, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG }
    const st = this.#static.get(name)
    if (st !== undefined) return { value: st, source: ConfigSource.STATIC_BROKER_CONFIG }
    return { value: BROKER_CONFIGS.get(name)?.default ?? null, source: ConfigSource.DEFAULT_CONFIG }
  }

  /** The value of every layer that sets `name`, strongest first (DescribeConfigs synonyms). */
  layers(name: string): ConfigValue[] {
    const out: ConfigValue[] = []
    const dyn = this.#dynamic.get(name)
    if (dyn !== undefined) out.push({ value: dyn, source: ConfigSource.DYNAMIC_BROKER_CONFIG })
    const dynDefault = this.#dynamicDefault.get(name)
    if (dynDefault !== undefined)
      out.push({ value: dynDefault, source: ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG })
    const st = this.#static.get(name)
    if (st !== undefined) out.push({ value: st, source: ConfigSource.STATIC_BROKER_CONFIG })
    const d = BROKER_CONFIGS.get(name)?.default
    if (d !== undefined && d !== null) out.push({ value: d, source: ConfigSource.DEFAULT_CONFIG })
    return out
  }

  get(name: string): string | null {
    return this.describe(name).value
  }

  int(name: string): number {
    const v = this.get(name)
    if (v === null) throw new Error(`broker config ${name} has no value`)
    return Number(v)
  }

  long(name: string): bigint {
    const v = this.get(name)
    if (v === null) throw new Error(`broker config ${name} has no value`)
    return BigInt(v)
  }

  bool(name: string): boolean {
    return this.get(name) === 'true'
  }

  /** Applies a dynamic value (null removes it). `perBroker` false = the cluster-wide default (resource ''). */
  setDynamic(name: string, value: string | null, perBroker: boolean): void {
    const map = perBroker ? this.#dynamic : this.#dynamicDefault
    if (value === null) map.delete(name)
    else map.set(name, value)
  }

  /** Names with a static or dynamic value (for listing). */
  names(): string[] {
    return [...BROKER_CONFIGS.keys()]
  }

  /**
   * The broker-derived default of a topic config (retention.ms from log.retention.*, ...), or null when no
   * broker config maps to it (the topic config's own default applies).
   */
  topicDefault(topicConfig: string): { value: string; synonym: string; source: number } | null {
    const synonyms = TOPIC_CONFIG_SYNONYMS[topicConfig]
    if (!synonyms) return null
    // An explicitly set synonym wins over a defaulted one, in synonym order (Kafka's rule).
    for (const explicit of [true, false]) {
      for (const s of synonyms) {
        const { value, source } = this.describe(s)
        if (value === null || (source === ConfigSource.DEFAULT_CONFIG) === explicit) continue
        const scale = unitScale(s)
        const n = scale === 1n ? value : BigInt(value) < 0n ? value : String(BigInt(value) * scale)
        return { value: n, synonym: s, source }
      }
    }
    return null
  }
}

export class ConfigError extends Error {
  readonly problems: string[]
  constructor(problems: string[]) {
    super(problems.join('; '))
    this.name = 'ConfigError'
    this.problems = problems
  }
}
