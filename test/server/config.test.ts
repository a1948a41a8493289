import { describe, expect, it } from 'vitest'
import { BrokerConfig, ConfigError, ConfigSource, validateBrokerConfig } from '../../broker/server/config.ts'
import { brokerTopicDefaults, describeTopicConfig } from '../../broker/server/topic-configs.ts'

describe('broker config', () => {
  it('validates names, types and ranges', () => {
    expect(validateBrokerConfig('num.partitions', '3')).toBeNull()
    expect(validateBrokerConfig('num.partitions', '0')).toContain('at least 1')
    expect(validateBrokerConfig('num.partitions', '1.5')).toContain('not an integer')
    expect(validateBrokerConfig('num.partitions', '99999999999')).toContain('out of range')
    expect(validateBrokerConfig('auto.create.topics.enable', 'yes')).toContain('boolean')
    expect(validateBrokerConfig('log.cleanup.policy', 'compact,delete')).toBeNull()
    expect(validateBrokerConfig('log.cleanup.policy', 'shred')).toContain('shred')
    expect(validateBrokerConfig('nope', '1')).toContain('unknown broker config')
    expect(() => new BrokerConfig({ nope: '1', 'num.partitions': 'x' })).toThrow(ConfigError)
  })

  it('layers defaults, static and dynamic values', () => {
    const c = new BrokerConfig({ 'num.partitions': '4' })
    expect(c.describe('num.partitions')).toEqual({ value: '4', source: ConfigSource.STATIC_BROKER_CONFIG })
    expect(c.describe('log.segment.bytes')).toEqual({
      value: '1073741824',
      source: ConfigSource.DEFAULT_CONFIG,
    })
    c.setDynamic('log.segment.bytes', '2048', false)
    expect(c.int('log.segment.bytes')).toBe(2048)
    c.setDynamic('log.segment.bytes', '4096', true)
    expect(c.describe('log.segment.bytes').source).toBe(ConfigSource.DYNAMIC_BROKER_CONFIG)
    expect(c.layers('log.segment.bytes').map((l) => l.value)).toEqual(['4096', '2048', '1073741824'])
    c.setDynamic('log.segment.bytes', null, true)
    expect(c.int('log.segment.bytes')).toBe(2048)
  })

  it('maps broker log.* configs onto topic defaults with Kafka unit rules', () => {
    expect(brokerTopicDefaults(new BrokerConfig())['retention.ms']).toBe('604800000')
    expect(brokerTopicDefaults(new BrokerConfig({ 'log.retention.minutes': '5' }))['retention.ms']).toBe(
      '300000',
    )
    const both = new BrokerConfig({ 'log.retention.minutes': '5', 'log.retention.ms': '1234' })
    expect(brokerTopicDefaults(both)['retention.ms']).toBe('1234')
    expect(brokerTopicDefaults(new BrokerConfig({ 'log.retention.hours': '-1' }))['retention.ms']).toBe('-1')
    expect(brokerTopicDefaults(new BrokerConfig({ 'message.max.bytes': '2000' }))['max.message.bytes']).toBe(
      '2000',
    )
    const d = describeTopicConfig(
      new BrokerConfig({ 'log.segment.bytes': '100000' }),
      new Map(),
      'segment.bytes',
    )
    expect(d).toMatchObject({ value: '100000', source: ConfigSource.STATIC_BROKER_CONFIG })
    const own = describeTopicConfig(new BrokerConfig(), new Map([['segment.bytes', '5000']]), 'segment.bytes')
    expect(own.source).toBe(ConfigSource.TOPIC_CONFIG)
    expect(own.synonyms[0]).toEqual({
      name: 'segment.bytes',
      value: '5000',
      source: ConfigSource.TOPIC_CONFIG,
    })
  })
})
