// Parsing `listeners`, `listener.security.protocol.map` and `advertised.listeners` into what is bound.
import { describe, expect, it } from 'vitest'
import { BrokerConfig } from '../../broker/server/config.ts'
import { boundEndpoint, listenerSpecs } from '../../broker/server/listener-specs.ts'

const fallback = { host: '127.0.0.1', port: 9092 }
const specs = (values: Record<string, string>): ReturnType<typeof listenerSpecs> =>
  listenerSpecs(new BrokerConfig(values), fallback)

describe('listenerSpecs', () => {
  it('binds one PLAINTEXT listener on the flags when listeners is not set', () => {
    expect(specs({})).toEqual([
      { name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port: 9092, advertised: null },
    ])
  })

  it('parses several listeners, custom names through the protocol map, IPv6 and empty hosts', () => {
    const got = specs({
      listeners: 'PLAINTEXT://127.0.0.1:9092, client://[::1]:0,INTERNAL://:9094',
      'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CLIENT:SASL_SSL,INTERNAL:SASL_PLAINTEXT',
      'advertised.listeners': 'CLIENT://broker.example:19093',
    })
    expect(got.map((s) => [s.name, s.securityProtocol, s.host, s.port, s.advertised])).toEqual([
      ['PLAINTEXT', 'PLAINTEXT', '127.0.0.1', 9092, null],
      ['CLIENT', 'SASL_SSL', '::1', 0, { host: 'broker.example', port: 19093 }],
      ['INTERNAL', 'SASL_PLAINTEXT', '127.0.0.1', 9094, null],
    ])
  })

  it('refuses unmapped names, repeated names or ports, bad entries and unknown advertised names', () => {
    expect(() => specs({ listeners: 'CLIENT://127.0.0.1:0' })).toThrow(/CLIENT has no security protocol/)
    expect(() => specs({ listeners: 'PLAINTEXT://127.0.0.1:1,PLAINTEXT://127.0.0.1:2' })).toThrow(/twice/)
    expect(() => specs({ listeners: 'PLAINTEXT://127.0.0.1:9092,SSL://127.0.0.1:9092' })).toThrow(
      /port 9092 is used twice/,
    )
    expect(() => specs({ listeners: 'PLAINTEXT:/127.0.0.1:1' })).toThrow(/not NAME:\/\/host:port/)
    expect(() => specs({ listeners: 'PLAINTEXT://127.0.0.1:70000' })).toThrow(/not NAME:\/\/host:port/)
    expect(() =>
      specs({ listeners: 'PLAINTEXT://127.0.0.1:0', 'advertised.listeners': 'SSL://h:1' }),
    ).toThrow(/SSL, which is not in listeners/)
  })

  it('advertises the bound port for port 0, and 127.0.0.1 for a wildcard bind', () => {
    const [wild, adv] = specs({
      listeners: 'PLAINTEXT://0.0.0.0:0,SSL://127.0.0.1:0',
      'advertised.listeners': 'SSL://localhost:0',
    })
    expect(boundEndpoint(wild!, 4000).advertised).toEqual({ host: '127.0.0.1', port: 4000 })
    expect(boundEndpoint(adv!, 4001).advertised).toEqual({ host: 'localhost', port: 4001 })
  })

  it('accepts per-listener overrides of the keystore and PLAIN users as configs', () => {
    expect(
      () =>
        new BrokerConfig({
          'listener.name.client.ssl.keystore.location': '/x.pem',
          'listener.name.client.plain.sasl.jaas.config': 'x required;',
          'listener.name.client.sasl.enabled.mechanisms': 'SCRAM-SHA-512',
        }),
    ).not.toThrow()
    expect(() => new BrokerConfig({ 'listener.name.client.sasl.enabled.mechanisms': 'GSSAPI' })).toThrow(
      /GSSAPI/,
    )
    expect(() => new BrokerConfig({ 'listener.name.client.ssl.nope': 'x' })).toThrow(/unknown broker config/)
  })
})
