import { describe, expect, it } from 'vitest'
import {
  checkConfigValue,
  checkPartitionCount,
  checkReplicationFactor,
} from '../../../renderer/src/lib/topic-configs.ts'

describe('topic config checks', () => {
  it('checks values against Kafka ranges', () => {
    expect(checkConfigValue('retention.ms', '-1')).toBeNull()
    expect(checkConfigValue('retention.ms', '-2')).toMatch(/At least -1/)
    expect(checkConfigValue('segment.bytes', '1.5')).toMatch(/whole number/)
    expect(checkConfigValue('segment.bytes', String(2 ** 31))).toMatch(/At most/)
    expect(checkConfigValue('cleanup.policy', 'compact,delete')).toBeNull()
    expect(checkConfigValue('cleanup.policy', 'purge')).toMatch(/delete, compact/)
    expect(checkConfigValue('compression.type', 'zstd')).toBeNull()
  })
  it('never lets partitions shrink', () => {
    expect(checkPartitionCount('3')).toBeNull()
    expect(checkPartitionCount('0')).toMatch(/At least 1/)
    expect(checkPartitionCount('3', 3)).toMatch(/never be removed/)
    expect(checkPartitionCount('4', 3)).toBeNull()
  })
  it('caps the replication factor at the broker count', () => {
    expect(checkReplicationFactor('1', 1)).toBeNull()
    expect(checkReplicationFactor('3', 1)).toMatch(/At most 1/)
  })
})
