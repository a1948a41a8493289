// Effective topic configs: a topic's own overrides, else the broker config that maps to it
// (log.retention.hours -> retention.ms, ...), else Kafka's topic default. DescribeConfigs shows the
// value with its source and synonyms; the storage engine gets a typed LogConfig.
import { TOPIC_CONFIGS, logConfigFromMap, type LogConfig } from '../storage/log-config.ts'
import { ConfigSource, TOPIC_CONFIG_SYNONYMS, type BrokerConfig } from './config.ts'

export interface EffectiveConfig {
  name: string
  value: string | null
  source: number
  /** Every layer that sets it, strongest first (DescribeConfigs v1+ synonyms). */
  synonyms: { name: string; value: string | null; source: number }[]
}

const TOPIC_DEFAULTS = new Map(TOPIC_CONFIGS.map((d) => [d.name, d.default]))

/** Topic defaults as set by the broker's configs (no topic overrides). */
export function brokerTopicDefaults(config: BrokerConfig): Record<string, string> {
  const out: Record<string, string> = {}
  for (const d of TOPIC_CONFIGS) {
    out[d.name] = config.topicDefault(d.name)?.value ?? d.default
  }
  return out
}

/** The LogConfig the storage engine uses for a topic with these overrides. */
export function logConfigFor(config: BrokerConfig, overrides: ReadonlyMap<string, string>): LogConfig {
  return logConfigFromMap({ ...brokerTopicDefaults(config), ...Object.fromEntries(overrides) })
}

export function describeTopicConfig(
  config: BrokerConfig,
  overrides: ReadonlyMap<string, string>,
  name: string,
): EffectiveConfig {
  const synonyms: EffectiveConfig['synonyms'] = []
  const own = overrides.get(name)
  if (own !== undefined) synonyms.push({ name, value: own, source: ConfigSource.TOPIC_CONFIG })
  for (const s of TOPIC_CONFIG_SYNONYMS[name] ?? []) {
    for (const layer of config.layers(s)) {
      // Kafka lists the broker synonyms that are explicitly set, then the broker default.
      synonyms.push({ name: s, value: layer.value, source: layer.source })
    }
  }
  const mapped = config.topicDefault(name)
  let value: string | null
  let source: number
  if (own !== undefined) {
    value = own
    source = ConfigSource.TOPIC_CONFIG
  } else if (mapped) {
    value = mapped.value
    source = mapped.source
  } else {
    value = TOPIC_DEFAULTS.get(name) ?? null
    source = ConfigSource.DEFAULT_CONFIG
  }
  if (synonyms.length === 0 && value !== null)
    synonyms.push({ name, value, source: ConfigSource.DEFAULT_CONFIG })
  return { name, value, source, synonyms }
}

export const TOPIC_CONFIG_NAMES = TOPIC_CONFIGS.map((d) => d.name)
