// Per-connection SASL state and the listener's security protocol. Kafka names: `listeners` (the first
// entry's listener name, mapped through `listener.security.protocol.map`, decides the protocol of the
// broker's one bound port), `sasl.enabled.mechanisms`, and the PlainLoginModule users under
// `listener.name.<sasl_plaintext|sasl_ssl>.plain.sasl.jaas.config`.
import type { BrokerConfig } from '../server/config.ts'
import { PlainError } from './sasl-plain.ts'
import { ScramError, type ScramServer } from './scram.ts'

export type SecurityProtocol = 'PLAINTEXT' | 'SASL_PLAINTEXT' | 'SSL' | 'SASL_SSL'

export interface SaslSession {
  /** The mechanism chosen by SaslHandshake; null before it. */
  mechanism: string | null
  /** The SCRAM exchange in progress. */
  scram: ScramServer | null
  authenticated: boolean
  /** Set when authentication failed: the connection accepts nothing more. */
  failed: boolean
}

/** The security protocol of the broker's listener (PLAINTEXT when `listeners` is not set). */
export function listenerProtocol(config: BrokerConfig): SecurityProtocol {
  const first = (config.get('listeners') ?? '').split(',')[0]?.trim() ?? ''
  const name = /^([A-Za-z0-9_]+):\/\//.exec(first)?.[1]?.toUpperCase() ?? 'PLAINTEXT'
  const map = new Map<string, string>()
  for (const entry of (config.get('listener.security.protocol.map') ?? '').split(',')) {
    const [k, v] = entry.split(':').map((s) => s.trim().toUpperCase())
    if (k && v) map.set(k, v)
  }
  const protocol = map.get(name) ?? name
  return protocol === 'SASL_PLAINTEXT' || protocol === 'SSL' || protocol === 'SASL_SSL'
    ? protocol
    : 'PLAINTEXT'
}

export function enabledMechanisms(config: BrokerConfig): string[] {
  return (config.get('sasl.enabled.mechanisms') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

/** The PlainLoginModule JAAS config of the listener: `listener.name.<listener name>.plain.sasl.jaas.config`. */
export function plainJaasConfig(config: BrokerConfig): string | null {
  const first = (config.get('listeners') ?? '').split(',')[0]?.trim() ?? ''
  const name = /^([A-Za-z0-9_]+):\/\//.exec(first)?.[1]?.toLowerCase() ?? ''
  return name === 'sasl_ssl' || name === 'sasl_plaintext'
    ? config.get(`listener.name.${name}.plain.sasl.jaas.config`)
    : null
}

/** A session for connections on a SASL listener, null otherwise. */
export function newSaslSession(config: BrokerConfig): SaslSession | null {
  const p = listenerProtocol(config)
  return p === 'SASL_PLAINTEXT' || p === 'SASL_SSL'
    ? { mechanism: null, scram: null, authenticated: false, failed: false }
    : null
}

/** APIs a client may send before it has authenticated (Kafka: ApiVersions and the SASL exchange). */
export function allowedBeforeAuth(apiKey: number): boolean {
  return apiKey === 18 || apiKey === 17 || apiKey === 36
}

export function isAuthError(err: unknown): err is Error {
  return err instanceof ScramError || err instanceof PlainError
}
