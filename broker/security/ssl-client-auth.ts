// Client certificates on TLS listeners, Kafka's `ssl.client.auth`: none (default), requested (a client
// may present one) or required (the handshake fails without one). Certificates are checked against the
// PEM trust store (`ssl.truststore.location` with `ssl.truststore.type=PEM`, or inline PEM in
// `ssl.truststore.certificates`); an untrusted one fails the connection. Each may be set for one
// listener as `listener.name.<name>.ssl.client.auth` etc. Read once at startup.
import { X509Certificate } from 'node:crypto'
import fs from 'node:fs'
import type { TLSSocket, TlsOptions } from 'node:tls'
import type { BrokerConfig } from '../server/config.ts'
import { ListenerConfigError, listenerConfig, type ListenerSpec } from '../server/listener-specs.ts'
import { rfc2253Subject, sslPrincipalMapper } from './ssl-principal.ts'

const ANONYMOUS = 'User:ANONYMOUS'
const CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g

export interface SslClientAuth {
  /** Merged into the listener's TLS server options. */
  options: Pick<TlsOptions, 'requestCert' | 'rejectUnauthorized' | 'ca'>
  /**
   * The principal of a connection on an SSL listener, from its verified certificate (`User:ANONYMOUS`
   * without one); null when the connection must be refused: an untrusted certificate when only
   * requested, or no mapping rule applies.
   */
  principal(socket: TLSSocket): string | null
}

function trustedCertificates(source: string, pem: string): string[] {
  const certs = pem.match(CERT) ?? []
  if (certs.length === 0) throw new ListenerConfigError(`${source} holds no PEM certificate`)
  for (const cert of certs) {
    try {
      new X509Certificate(cert)
    } catch (err) {
      throw new ListenerConfigError(`${source}: bad PEM certificate: ${(err as Error).message}`)
    }
  }
  return certs
}

function trustStore(get: (name: string) => string | null, listener: string): string[] | null {
  const location = get('ssl.truststore.location')
  const inline = get('ssl.truststore.certificates')
  if (!location && !inline) return null
  if ((get('ssl.truststore.type') ?? 'PEM').toUpperCase() !== 'PEM') {
    throw new ListenerConfigError('only ssl.truststore.type=PEM is supported')
  }
  if (location && inline) {
    throw new ListenerConfigError(
      `listener ${listener}: set ssl.truststore.location or ssl.truststore.certificates, not both`,
    )
  }
  if (inline) return trustedCertificates('ssl.truststore.certificates', inline)
  let pem: string
  try {
    pem = fs.readFileSync(location as string, 'utf8')
  } catch (err) {
    throw new ListenerConfigError(
      `cannot read ssl.truststore.location ${location}: ${(err as Error).message}`,
    )
  }
  return trustedCertificates(`ssl.truststore.location ${location}`, pem)
}

/** Client authentication of a TLS listener, or null for a listener without TLS. Throws ListenerConfigError. */
export function sslClientAuth(config: BrokerConfig, listener: ListenerSpec): SslClientAuth | null {
  const protocol = listener.securityProtocol
  if (protocol !== 'SSL' && protocol !== 'SASL_SSL') return null
  const get = (name: string): string | null => listenerConfig(config, listener.name, name)
  const mode = (get('ssl.client.auth') ?? 'none').trim().toLowerCase()
  if (mode !== 'none' && mode !== 'requested' && mode !== 'required') {
    throw new ListenerConfigError(
      `listener ${listener.name}: ssl.client.auth must be none, requested or required, not '${mode}'`,
    )
  }
  const ca = trustStore(get, listener.name)
  const mapper = sslPrincipalMapper(get('ssl.principal.mapping.rules') ?? 'DEFAULT')
  if (mode === 'none') return { options: {}, principal: () => ANONYMOUS }
  // Without a trust store Node would trust its public CA bundle: any web certificate would log in.
  if (!ca) {
    throw new ListenerConfigError(
      `listener ${listener.name}: ssl.client.auth=${mode} needs ssl.truststore.location or ssl.truststore.certificates (PEM)`,
    )
  }
  return {
    options: { requestCert: true, rejectUnauthorized: mode === 'required', ca },
    principal(socket) {
      const cert = socket.getPeerX509Certificate()
      if (!cert) return ANONYMOUS
      if (!socket.authorized) return null
      const name = mapper(rfc2253Subject(cert))
      return name === null ? null : `User:${name}`
    },
  }
}
