import { describe, expect, it } from 'vitest'
import { decodePayload, encodePayload } from '../../broker/client/decode.ts'
import { AdminError, toAdminError } from '../../broker/client/errors.ts'
import { classifyConnectionError, parseBootstrap } from '../../broker/client/connections.ts'

describe('payload decoding', () => {
  it('shows text, pretty JSON, hex and base64', () => {
    const bytes = Buffer.from('{"a":1}')
    expect(decodePayload(bytes, 'text', 100)).toEqual({
      format: 'text',
      text: '{"a":1}',
      error: null,
      bytes: 7,
      truncated: false,
    })
    expect(decodePayload(bytes, 'json', 100)?.text).toBe('{\n  "a": 1\n}')
    expect(decodePayload(bytes, 'hex', 100)?.text).toBe('7b2261223a317d')
    expect(decodePayload(bytes, 'base64', 100)?.text).toBe('eyJhIjoxfQ==')
    expect(decodePayload(null, 'text', 100)).toBeNull()
  })

  it('says why bytes are not valid in the chosen format', () => {
    expect(decodePayload(Buffer.from([0xff, 0xfe]), 'text', 100)).toMatchObject({
      text: 'fffe',
      error: expect.stringMatching(/UTF-8/),
    })
    expect(decodePayload(Buffer.from('{nope'), 'json', 100)).toMatchObject({
      text: '{nope',
      error: expect.stringMatching(/JSON/),
    })
  })

  it('cuts long payloads and says so', () => {
    const decoded = decodePayload(Buffer.from('é'.repeat(100)), 'text', 5)
    expect(decoded).toMatchObject({ truncated: true, bytes: 200 })
    expect(decoded!.text.length).toBeLessThanOrEqual(5)
  })

  it('encodes user input and refuses malformed input with a typed error', () => {
    expect(encodePayload({ text: ' {"a": 1} ', format: 'json' }, 'value').toString()).toBe('{"a":1}')
    expect(encodePayload({ text: 'de ad', format: 'hex' }, 'key')).toEqual(Buffer.from([0xde, 0xad]))
    expect(encodePayload({ text: 'AQI=', format: 'base64' }, 'key')).toEqual(Buffer.from([1, 2]))
    for (const input of [
      { text: '{', format: 'json' as const },
      { text: 'abc', format: 'hex' as const },
      { text: 'a', format: 'base64' as const },
      { text: '!!', format: 'base64' as const },
    ]) {
      expect(() => encodePayload(input, 'value')).toThrow(AdminError)
    }
  })
})

describe('error mapping', () => {
  it('maps Kafka protocol errors nested in aggregates to codes', () => {
    const nested = {
      message: 'outer',
      errors: [
        { message: 'inner', apiId: 'TOPIC_ALREADY_EXISTS', serverErrorMessage: "Topic 'x' already exists." },
      ],
    }
    expect(toAdminError(nested)).toMatchObject({
      code: 'already-exists',
      message: "TOPIC_ALREADY_EXISTS: Topic 'x' already exists.",
    })
    expect(toAdminError({ message: 'x', apiId: 'NON_EMPTY_GROUP' }).code).toBe('group-active')
    expect(toAdminError({ message: 'x', apiId: 'UNKNOWN_TOPIC_OR_PARTITION' }).code).toBe('not-found')
    expect(toAdminError({ message: 'x', apiId: 'INVALID_CONFIG' }).code).toBe('invalid-argument')
    expect(toAdminError({ message: 'x', apiId: 'CLUSTER_AUTHORIZATION_FAILED' }).code).toBe('not-authorized')
    expect(toAdminError(new Error('boom')).code).toBe('internal')
    expect(toAdminError({ message: 'Unsupported API Foo.', code: 'PLT_KFK_UNSUPPORTED_API' }).code).toBe(
      'unsupported',
    )
  })

  it('classifies connection failures by stage', () => {
    expect(
      classifyConnectionError({
        message: 'x',
        errors: [{ message: 'connect ECONNREFUSED', code: 'ECONNREFUSED' }],
      }).stage,
    ).toBe('refused')
    expect(classifyConnectionError({ message: 'getaddrinfo', code: 'ENOTFOUND' }).stage).toBe('dns')
    expect(
      classifyConnectionError({
        message: 'x',
        cause: { message: 'self-signed certificate', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
      }).stage,
    ).toBe('tls')
    expect(classifyConnectionError({ message: 'x', apiId: 'SASL_AUTHENTICATION_FAILED' }).stage).toBe('auth')
    expect(classifyConnectionError({ message: 'x', code: 'PLT_KFK_UNSUPPORTED_API' }).stage).toBe('version')
  })

  it('parses bootstrap addresses', () => {
    expect(parseBootstrap('kafka:9092')).toEqual({ host: 'kafka', port: 9092 })
    expect(parseBootstrap('[::1]:9092')).toEqual({ host: '::1', port: 9092 })
    expect(parseBootstrap('kafka')).toBeNull()
    expect(parseBootstrap('kafka:99999')).toBeNull()
  })
})
