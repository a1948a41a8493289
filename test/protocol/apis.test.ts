import { describe, expect, it } from 'vitest'
import {
  API_KEYS,
  apis,
  requestHeaderVersion,
  responseHeaderVersion,
} from '../../broker/protocol/generated/apis.ts'
import { PRODUCE_REQUEST_VERSIONS } from '../../broker/protocol/generated/produce-request.ts'
import { MESSAGE_META } from '../../broker/protocol/generated/schema-meta.ts'
import { ErrorCode, errorName } from '../../broker/protocol/errors.ts'

describe('API table', () => {
  it('covers all 88 API keys with request and response codecs', () => {
    expect(Object.keys(API_KEYS)).toHaveLength(88)
    expect(Object.keys(apis)).toHaveLength(88)
    expect(MESSAGE_META.filter((m) => m.kind === 'request')).toHaveLength(88)
    expect(MESSAGE_META.filter((m) => m.kind === 'response')).toHaveLength(88)
    for (const [name, key] of Object.entries(API_KEYS)) {
      const api = apis[key]
      expect(api?.name).toBe(name)
      expect(api?.key).toBe(key)
    }
    expect(API_KEYS.Produce).toBe(0)
    expect(API_KEYS.Fetch).toBe(1)
    expect(API_KEYS.ApiVersions).toBe(18)
    expect(PRODUCE_REQUEST_VERSIONS).toEqual({ min: 0, max: 11, flexibleMin: 9 })
    expect(apis[0]).toMatchObject({ minVersion: 0, maxVersion: 11, flexibleMin: 9 })
  })

  it('derives header versions', () => {
    expect(requestHeaderVersion(API_KEYS.Produce, 8)).toBe(1)
    expect(requestHeaderVersion(API_KEYS.Produce, 9)).toBe(2)
    expect(requestHeaderVersion(API_KEYS.ControlledShutdown, 0)).toBe(0)
    expect(requestHeaderVersion(API_KEYS.ControlledShutdown, 1)).toBe(1)
    expect(requestHeaderVersion(API_KEYS.ApiVersions, 3)).toBe(2)
    // Newer than we know: still flexible, so an unsupported ApiVersions request parses.
    expect(requestHeaderVersion(API_KEYS.ApiVersions, 99)).toBe(2)
    expect(requestHeaderVersion(9999, 0)).toBe(1)
    expect(responseHeaderVersion(API_KEYS.Produce, 9)).toBe(1)
    expect(responseHeaderVersion(API_KEYS.Produce, 8)).toBe(0)
    expect(responseHeaderVersion(API_KEYS.ApiVersions, 3)).toBe(0)
    expect(responseHeaderVersion(API_KEYS.Metadata, 9)).toBe(1)
  })
})

describe('error codes', () => {
  it('match Kafka numbers', () => {
    expect(ErrorCode.NONE).toBe(0)
    expect(ErrorCode.UNKNOWN_SERVER_ERROR).toBe(-1)
    expect(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION).toBe(3)
    expect(ErrorCode.INVALID_TOPIC_EXCEPTION).toBe(17)
    expect(ErrorCode.UNSUPPORTED_VERSION).toBe(35)
    expect(ErrorCode.INVALID_CONFIG).toBe(40)
    expect(ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER).toBe(45)
    expect(ErrorCode.KAFKA_STORAGE_ERROR).toBe(56)
    expect(ErrorCode.UNKNOWN_PRODUCER_ID).toBe(59)
    expect(ErrorCode.FENCED_INSTANCE_ID).toBe(82)
    expect(ErrorCode.INVALID_RECORD).toBe(87)
    expect(ErrorCode.PRODUCER_FENCED).toBe(90)
    expect(ErrorCode.UNKNOWN_TOPIC_ID).toBe(100)
    expect(ErrorCode.TRANSACTION_ABORTABLE).toBe(120)
    expect(Object.isFrozen(ErrorCode)).toBe(true)
    const codes = Object.values(ErrorCode)
    expect(new Set(codes).size).toBe(codes.length)
    for (let c = -1; c <= 129; c++) expect(codes).toContain(c)
  })

  it('names codes', () => {
    expect(errorName(36)).toBe('TOPIC_ALREADY_EXISTS')
    expect(errorName(5000)).toBe('UNKNOWN_ERROR_5000')
  })
})
