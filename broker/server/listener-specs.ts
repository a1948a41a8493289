// What the broker binds and advertises, from Kafka's configs:
// - `listeners`: NAME://host:port entries, one bound port each (port 0 = any free port, host '' = the
//   --host address).
// - `listener.security.protocol.map`: NAME:PROTOCOL pairs; a listener's name must be in it, so custom
//   names (INTERNAL, CLIENT, ...) work as in Kafka.
// - `advertised.listeners`: per listener name, the host:port clients are told to use. A client learns
//   the address of the listener it connected on (Metadata, FindCoordinator, DescribeCluster), so a
//   client on the SASL_SSL port is never sent to the PLAINTEXT one. Without an entry, the bound
//   address is advertised (127.0.0.1 for a wildcard bind).
import type { BrokerConfig } from './config.ts'
import { ConfigSource } from './config.ts'

export type SecurityProtocol = 'PLAINTEXT' | 'SASL_PLAINTEXT' | 'SSL' | 'SASL_SSL'

const PROTOCOLS: readonly string[] = ['PLAINTEXT', 'SASL_PLAINTEXT', 'SSL', 'SASL_SSL']

export interface ListenerSpec {
  /** Upper-case listener name, as in `listeners`. */
  name: string
  securityProtocol: SecurityProtocol
  host: string
  port: number
  /** From advertised.listeners; null = advertise the bound address. */
  advertised: { host: string; port: number } | null
}

/** A listener once bound: what each of its connections knows about it. */
export interface ListenerEndpoint {
  name: string
  securityProtocol: SecurityProtocol
  /** The bound address (the real port when 0 was asked for). */
  host: string
  port: number
  /** What Metadata, FindCoordinator and DescribeCluster tell clients connected on this listener. */
  advertised: { host: string; port: number }
}

export class ListenerConfigError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'ListenerConfigError'
  }
}

const ENTRY = /^([A-Za-z0-9_]+):\/\/(\[[^\]]*\]|[^:]*):(\d+)$/

function parseEntries(config: string, text: string): { name: string; host: string; port: number }[] {
  const out: { name: string; host: string; port: number }[] = []
  for (const raw of text.split(',')) {
    const entry = raw.trim()
    if (entry === '') continue
    const m = ENTRY.exec(entry)
    if (!m || Number(m[3]) > 65535) {
      throw new ListenerConfigError(`${config}: '${entry}' is not NAME://host:port`)
    }
    const name = (m[1] as string).toUpperCase()
    if (out.some((e) => e.name === name)) throw new ListenerConfigError(`${config}: ${name} appears twice`)
    out.push({ name, host: (m[2] as string).replace(/^\[|\]$/g, ''), port: Number(m[3]) })
  }
  return out
}

function protocolMap(config: BrokerConfig): Map<string, string> {
  const map = new Map<string, string>()
  for (const entry of (config.get('listener.security.protocol.map') ?? '').split(',')) {
    const [k, v] = entry.split(':').map((s) => s.trim().toUpperCase())
    if (k && v) map.set(k, v)
  }
  return map
}

/**
 * The listeners to bind. Without an explicit `listeners` config, one PLAINTEXT listener on `fallback`
 * (the --host/--port flags). Throws ListenerConfigError on a bad entry, an unmapped name, a repeated
 * fixed port, or an advertised listener that is not bound.
 */
export function listenerSpecs(
  config: BrokerConfig,
  fallback: { host: string; port: number },
): ListenerSpec[] {
  const map = protocolMap(config)
  const explicit = config.describe('listeners').source !== ConfigSource.DEFAULT_CONFIG
  const entries = explicit
    ? parseEntries('listeners', config.get('listeners') ?? '')
    : [{ name: 'PLAINTEXT', host: fallback.host, port: fallback.port }]
  if (entries.length === 0) throw new ListenerConfigError('listeners: no listener given')
  const advertised = parseEntries('advertised.listeners', config.get('advertised.listeners') ?? '')
  const specs = entries.map((e): ListenerSpec => {
    const protocol = map.get(e.name) ?? (map.size === 0 ? e.name : undefined)
    if (protocol === undefined || !PROTOCOLS.includes(protocol)) {
      throw new ListenerConfigError(
        `listener ${e.name} has no security protocol in listener.security.protocol.map`,
      )
    }
    const adv = advertised.find((a) => a.name === e.name)
    return {
      name: e.name,
      securityProtocol: protocol as SecurityProtocol,
      host: e.host === '' ? fallback.host : e.host,
      port: e.port,
      advertised: adv ? { host: adv.host, port: adv.port } : null,
    }
  })
  for (const a of advertised) {
    if (!specs.some((s) => s.name === a.name)) {
      throw new ListenerConfigError(`advertised.listeners names ${a.name}, which is not in listeners`)
    }
  }
  const fixed = specs.filter((s) => s.port !== 0).map((s) => s.port)
  const dup = fixed.find((p, i) => fixed.indexOf(p) !== i)
  if (dup !== undefined) throw new ListenerConfigError(`listeners: port ${dup} is used twice`)
  return specs
}

/** The endpoint of a bound listener; an advertised port 0 means the bound port. */
export function boundEndpoint(spec: ListenerSpec, port: number): ListenerEndpoint {
  const wildcard = spec.host === '0.0.0.0' || spec.host === '::' || spec.host === ''
  const advertised = spec.advertised
    ? { host: spec.advertised.host || spec.host, port: spec.advertised.port || port }
    : { host: wildcard ? '127.0.0.1' : spec.host, port }
  return { name: spec.name, securityProtocol: spec.securityProtocol, host: spec.host, port, advertised }
}

/** Kafka's per-listener override `listener.name.<name>.<config>`, else the plain config. */
export function listenerConfig(config: BrokerConfig, listener: string, name: string): string | null {
  return config.get(`listener.name.${listener.toLowerCase()}.${name}`) ?? config.get(name)
}
