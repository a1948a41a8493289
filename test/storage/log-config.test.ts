import { describe, expect, it } from 'vitest'
import { InvalidConfigError } from '../../broker/storage/errors.ts'
import {
  DEFAULT_LOG_CONFIG,
  STRATA_LOG_CONFIG,
  TOPIC_CONFIGS,
  TOPIC_CONFIG_NAMES,
  isCompacted,
  isDeleteEnabled,
  logConfigFromMap,
  logConfigToMap,
  validateTopicConfig,
} from '../../broker/storage/log-config.ts'

describe('log config', () => {
  it("has Kafka's defaults", () => {
    expect(DEFAULT_LOG_CONFIG).toMatchObject({
      segmentBytes: 1073741824,
      segmentMs: 604800000,
      retentionMs: 604800000,
      retentionBytes: -1,
      cleanupPolicy: ['delete'],
      indexIntervalBytes: 4096,
      segmentIndexBytes: 10485760,
      deleteRetentionMs: 86400000,
      minCleanableDirtyRatio: 0.5,
      minCompactionLagMs: 0,
      fileDeleteDelayMs: 60000,
      maxMessageBytes: 1048588,
      messageTimestampType: 'CreateTime',
      minInsyncReplicas: 1,
    })
    expect(DEFAULT_LOG_CONFIG.flushMessages).toBeGreaterThan(2 ** 62)
    expect(logConfigToMap(DEFAULT_LOG_CONFIG)['flush.ms']).toBe('9223372036854775807')
    for (const def of TOPIC_CONFIGS) {
      expect(validateTopicConfig(def.name, def.default)).toBeNull()
      expect(def.doc.length).toBeGreaterThan(10)
    }
    expect(TOPIC_CONFIG_NAMES).toContain('retention.ms')
    // Strata's local-broker choice (DURABILITY.md): fsync once a second, everything else as Kafka.
    expect(STRATA_LOG_CONFIG).toEqual({ ...DEFAULT_LOG_CONFIG, flushMs: 1000 })
  })

  it('parses Kafka string maps on top of a base, round-tripping through logConfigToMap', () => {
    const cfg = logConfigFromMap({
      'retention.ms': '1000',
      'cleanup.policy': 'compact, delete',
      'min.cleanable.dirty.ratio': '0.1',
    })
    expect(cfg.retentionMs).toBe(1000)
    expect(isCompacted(cfg) && isDeleteEnabled(cfg)).toBe(true)
    expect(cfg.minCleanableDirtyRatio).toBe(0.1)
    const layered = logConfigFromMap({ 'segment.bytes': '2048' }, cfg)
    expect(layered.retentionMs).toBe(1000)
    expect(layered.segmentBytes).toBe(2048)
    expect(logConfigFromMap(logConfigToMap(layered))).toEqual(layered)
  })

  it('rejects bad values with messages a client can show', () => {
    const bad: [string, string][] = [
      ['retention.ms', 'soon'],
      ['retention.ms', '-2'],
      ['segment.bytes', '10'],
      ['segment.bytes', '4294967296'],
      ['cleanup.policy', 'archive'],
      ['min.cleanable.dirty.ratio', '1.5'],
      ['message.timestamp.type', 'WallClock'],
      ['flush.messages', '0'],
      ['compression.type', 'brotli'],
      ['preallocate', 'yes'],
      ['retention.bytes', '99999999999999999999'],
      ['no.such.config', '1'],
    ]
    for (const [name, value] of bad) {
      const err = validateTopicConfig(name, value)
      expect(err, `${name}=${value}`).toMatch(
        name === 'no.such.config'
          ? /Unknown/
          : new RegExp(`Invalid value ${value} for configuration ${name}`),
      )
    }
    expect(() => logConfigFromMap({ 'segment.ms': '0' })).toThrow(InvalidConfigError)
    expect(validateTopicConfig('retention.bytes', '-1')).toBeNull()
    expect(validateTopicConfig('cleanup.policy', 'compact,delete')).toBeNull()
  })
})
