// Per-connection SASL state. Kafka names: `sasl.enabled.mechanisms`, and the PlainLoginModule users of
// a listener under `listener.name.<listener name>.plain.sasl.jaas.config` (both per listener).
import type { BrokerConfig } from '../server/config.ts'
import { listenerConfig, type SecurityProtocol } from '../server/listener-specs.ts'
import { PlainError } from './sasl-plain.ts'
import { ScramError, type ScramServer } from './scram.ts'

export interface SaslSession {
  /** The mechanism chosen by SaslHandshake; null before it. */
  mechanism: string | null
  /** The SCRAM exchange in progress. */
  scram: ScramServer | null
  authenticated: boolean
  /** Set when authentication failed: the connection accepts nothing more. */
  failed: boolean
  /**
   * Set by a v0 SaslHandshake: the client then sends the SASL tokens as bare size-prefixed frames (no
   * request header) and reads bare tokens back, until authenticated.
   */
  raw: boolean
}

/** The listener's `listener.name.<name>.sasl.enabled.mechanisms`, else `sasl.enabled.mechanisms`. */
export function enabledMechanisms(config: BrokerConfig, listener: string): string[] {
  return (listenerConfig(config, listener, 'sasl.enabled.mechanisms') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
}

/** The PlainLoginModule JAAS config of a listener: `listener.name.<listener name>.plain.sasl.jaas.config`. */
export function plainJaasConfig(config: BrokerConfig, listener: string): string | null {
  return listenerConfig(config, listener, 'plain.sasl.jaas.config')
}

/** A session for connections on a SASL listener, null otherwise. */
export function newSaslSession(protocol: SecurityProtocol): SaslSession | null {
  return protocol === 'SASL_PLAINTEXT' || protocol === 'SASL_SSL'
    ? { mechanism: null, scram: null, authenticated: false, failed: false, raw: false }
    : null
}

/** APIs a client may send before it has authenticated (Kafka: ApiVersions and the SASL exchange). */
export function allowedBeforeAuth(apiKey: number): boolean {
  return apiKey === 18 || apiKey === 17 || apiKey === 36
}

export function isAuthError(err: unknown): err is Error {
  return err instanceof ScramError || err instanceof PlainError
}
