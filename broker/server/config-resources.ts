// Config resources for DescribeConfigs, AlterConfigs and IncrementalAlterConfigs: topics (their
// overrides on top of broker-derived defaults) and this broker (static values, dynamic overrides from
// the metadata log). Changes are ConfigRecords in the metadata log; the broker applies them to the
// storage engine and to BrokerConfig when they are committed (see broker.ts).
import { ErrorCode } from '../protocol/errors.ts'
import { ConfigResourceType, RecordType, type ConfigRecordValue } from '../metadata/records.ts'
import { TOPIC_CONFIGS, validateTopicConfig } from '../storage/log-config.ts'
import { configResourceError } from '../security/acl-admin.ts'
import { AclOperation } from '../security/acl-authorizer.ts'
import type { BrokerState } from './broker-state.ts'
import { BROKER_CONFIGS, ConfigSource, validateBrokerConfig, type ConfigType } from './config.ts'
import type { RequestContext } from './registry.ts'
import { describeTopicConfig, logConfigFor } from './topic-configs.ts'

export const ResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const

/** DescribeConfigs v3+ configType values. */
const CONFIG_TYPE: Record<ConfigType, number> = {
  boolean: 1,
  string: 2,
  int: 3,
  long: 5,
  double: 6,
  list: 7,
  password: 9,
}

export const AlterOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const

export interface DescribedConfig {
  name: string
  value: string | null
  readOnly: boolean
  isDefault: boolean
  configSource: number
  isSensitive: boolean
  synonyms: { name: string; value: string | null; source: number }[]
  configType: number
  documentation: string | null
}

export interface ResourceResult {
  errorCode: number
  errorMessage: string | null
  configs: DescribedConfig[]
}

const TOPIC_DEFS = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]))

function error(errorCode: number, errorMessage: string): ResourceResult {
  return { errorCode, errorMessage, configs: [] }
}

function isThisBroker(broker: BrokerState, name: string): boolean {
  return name === String(broker.nodeId)
}

export function describeResource(
  broker: BrokerState,
  resourceType: number,
  resourceName: string,
  keys: readonly string[] | null,
  includeSynonyms: boolean,
  includeDocumentation: boolean,
): ResourceResult {
  const wanted = (name: string): boolean => keys === null || keys.length === 0 || keys.includes(name)
  if (resourceType === ResourceType.TOPIC) {
    const topic = broker.metadata.image.topicsByName.get(resourceName)
    if (!topic) {
      return error(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${resourceName} does not exist.`)
    }
    const configs = TOPIC_CONFIGS.filter((d) => wanted(d.name)).map((d): DescribedConfig => {
      const c = describeTopicConfig(broker.config, topic.configs, d.name)
      return {
        name: d.name,
        value: c.value,
        readOnly: false,
        isDefault: c.source === ConfigSource.DEFAULT_CONFIG,
        configSource: c.source,
        isSensitive: false,
        synonyms: includeSynonyms ? c.synonyms : [],
        configType: CONFIG_TYPE[d.type],
        documentation: includeDocumentation ? d.doc : null,
      }
    })
    return { errorCode: ErrorCode.NONE, errorMessage: null, configs }
  }
  if (resourceType === ResourceType.BROKER) {
    const clusterDefault = resourceName === ''
    if (!clusterDefault && !isThisBroker(broker, resourceName)) {
      return error(
        ErrorCode.INVALID_REQUEST,
        `Unexpected broker id, expected ${broker.nodeId} or empty string, but received ${resourceName}`,
      )
    }
    const configs: DescribedConfig[] = []
    for (const d of BROKER_CONFIGS.values()) {
      if (!wanted(d.name)) continue
      let { value, source } = broker.config.describe(d.name)
      if (d.name === 'log.dirs') value = broker.dataDir
      if (d.name === 'node.id' || d.name === 'broker.id') value = String(broker.nodeId)
      const layers = broker.config.layers(d.name)
      if (clusterDefault) {
        // The cluster-default resource shows only what was set dynamically for every broker.
        const dyn = layers.find((l) => l.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG)
        if (!dyn) continue
        value = dyn.value
        source = dyn.source
      }
      configs.push({
        name: d.name,
        value: d.sensitive ? null : value,
        readOnly: !d.dynamic,
        isDefault: source === ConfigSource.DEFAULT_CONFIG,
        configSource: source,
        isSensitive: d.sensitive ?? false,
        synonyms: includeSynonyms
          ? layers.map((l) => ({ name: d.name, value: d.sensitive ? null : l.value, source: l.source }))
          : [],
        configType: CONFIG_TYPE[d.type],
        documentation: includeDocumentation ? d.doc : null,
      })
    }
    return { errorCode: ErrorCode.NONE, errorMessage: null, configs }
  }
  return error(
    ErrorCode.INVALID_REQUEST,
    `Config resource type ${resourceType} is not supported by this broker.`,
  )
}

export interface AlterEntry {
  name: string
  op: number
  value: string | null
}

export interface AlterResult {
  errorCode: number
  errorMessage: string | null
}

function alterError(errorCode: number, errorMessage: string): AlterResult {
  return { errorCode, errorMessage }
}

function applyOp(current: string | undefined, e: AlterEntry, isList: boolean): string | null | AlterResult {
  switch (e.op) {
    case AlterOp.SET:
      if (e.value === null)
        return alterError(ErrorCode.INVALID_REQUEST, `Null value not supported for ${e.name}`)
      return e.value
    case AlterOp.DELETE:
      return null
    case AlterOp.APPEND:
    case AlterOp.SUBTRACT: {
      if (!isList) {
        return alterError(
          ErrorCode.INVALID_CONFIG,
          `Config value append/subtract is not allowed for config key ${e.name} (not a list)`,
        )
      }
      const items = (current ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
      const given = (e.value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '')
      const next =
        e.op === AlterOp.APPEND
          ? [...items, ...given.filter((g) => !items.includes(g))]
          : items.filter((i) => !given.includes(i))
      return next.join(',')
    }
    default:
      return alterError(ErrorCode.INVALID_REQUEST, `Unknown config operation ${e.op} for ${e.name}`)
  }
}

/**
 * Checks ALTER_CONFIGS, validates and (unless validateOnly) commits changes to one resource. `replace` =
 * legacy AlterConfigs: the given set replaces every override (entries are SETs; everything else is removed).
 */
export async function alterResource(
  ctx: RequestContext,
  resourceType: number,
  resourceName: string,
  entries: readonly AlterEntry[],
  opts: { replace: boolean; validateOnly: boolean },
): Promise<AlterResult> {
  const denied = configResourceError(ctx, resourceType, resourceName, AclOperation.ALTER_CONFIGS)
  if (denied !== ErrorCode.NONE) return { errorCode: denied, errorMessage: null }
  const broker = ctx.broker
  const names = new Set<string>()
  for (const e of entries) {
    if (names.has(e.name))
      return alterError(ErrorCode.INVALID_REQUEST, `Error due to duplicate config keys: ${e.name}`)
    names.add(e.name)
  }
  let current: ReadonlyMap<string, string>
  let recordType: number
  if (resourceType === ResourceType.TOPIC) {
    const topic = broker.metadata.image.topicsByName.get(resourceName)
    if (!topic)
      return alterError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `Topic ${resourceName} does not exist.`)
    current = topic.configs
    recordType = ConfigResourceType.TOPIC
  } else if (resourceType === ResourceType.BROKER) {
    if (resourceName !== '' && !isThisBroker(broker, resourceName)) {
      return alterError(
        ErrorCode.INVALID_REQUEST,
        `Unexpected broker id, expected ${broker.nodeId} or empty string, but received ${resourceName}`,
      )
    }
    current = broker.metadata.image.brokerConfigs.get(resourceName) ?? new Map()
    recordType = ConfigResourceType.BROKER
  } else {
    return alterError(
      ErrorCode.INVALID_REQUEST,
      `Config resource type ${resourceType} is not supported by this broker.`,
    )
  }

  const next = new Map(opts.replace ? [] : current)
  for (const e of entries) {
    const isTopic = resourceType === ResourceType.TOPIC
    const def = isTopic ? TOPIC_DEFS.get(e.name) : BROKER_CONFIGS.get(e.name)
    if (!def) {
      return alterError(
        ErrorCode.INVALID_CONFIG,
        `Unknown ${isTopic ? 'topic' : 'broker'} config name: ${e.name}`,
      )
    }
    if (!isTopic && !(def as { dynamic: boolean }).dynamic) {
      return alterError(ErrorCode.INVALID_CONFIG, `Cannot update these configs dynamically: ${e.name}`)
    }
    // APPEND/SUBTRACT start from the default when the config has no override (as Kafka does).
    const base = next.get(e.name) ?? (isTopic ? def.default : broker.config.get(e.name)) ?? undefined
    const v = applyOp(base, e, def.type === 'list')
    if (v !== null && typeof v === 'object') return v
    if (v === null) {
      next.delete(e.name)
      continue
    }
    const problem = isTopic ? validateTopicConfig(e.name, v) : validateBrokerConfig(e.name, v)
    if (problem) return alterError(ErrorCode.INVALID_CONFIG, problem)
    next.set(e.name, v.trim())
  }
  if (resourceType === ResourceType.TOPIC) {
    try {
      logConfigFor(broker.config, next)
    } catch (err) {
      return alterError(ErrorCode.INVALID_CONFIG, (err as Error).message)
    }
  }
  if (opts.validateOnly) return { errorCode: ErrorCode.NONE, errorMessage: null }

  const records: ConfigRecordValue[] = []
  for (const name of current.keys()) {
    if (!next.has(name))
      records.push({ type: RecordType.CONFIG, resourceType: recordType, resourceName, name, value: null })
  }
  for (const [name, value] of next) {
    if (current.get(name) !== value) {
      records.push({ type: RecordType.CONFIG, resourceType: recordType, resourceName, name, value })
    }
  }
  await broker.metadata.commit(records)
  if (records.length > 0) {
    broker.log.info({ resourceType, resourceName, changed: records.map((r) => r.name) }, 'configs altered')
  }
  return { errorCode: ErrorCode.NONE, errorMessage: null }
}
