// TLS for SSL and SASL_SSL listeners. Kafka's PEM keystore: `ssl.keystore.type=PEM` with
// `ssl.keystore.location` naming one PEM file holding the private key and the certificate chain
// (`ssl.key.password` decrypts an encrypted key). Each may be set for one listener as
// `listener.name.<name>.ssl.keystore.location` etc. Read once at startup.
import fs from 'node:fs'
import type { TlsOptions } from 'node:tls'
import type { BrokerConfig } from '../server/config.ts'
import { listenerConfig, type ListenerSpec } from '../server/listener-specs.ts'

/** TLS server options for the listener, or null when it is not a TLS listener. Throws on a bad keystore. */
export function tlsServerOptions(config: BrokerConfig, listener: ListenerSpec): TlsOptions | null {
  const protocol = listener.securityProtocol
  if (protocol !== 'SSL' && protocol !== 'SASL_SSL') return null
  const get = (name: string): string | null => listenerConfig(config, listener.name, name)
  const location = get('ssl.keystore.location')
  if (!location) {
    throw new Error(
      `${protocol} listener ${listener.name} needs ssl.keystore.location (a PEM file with key and certificate)`,
    )
  }
  if ((get('ssl.keystore.type') ?? 'PEM').toUpperCase() !== 'PEM') {
    throw new Error('only ssl.keystore.type=PEM is supported')
  }
  const pem = fs.readFileSync(location, 'utf8')
  const key =
    /-----BEGIN (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----[\s\S]+?-----END (?:ENCRYPTED |RSA |EC )?PRIVATE KEY-----/.exec(
      pem,
    )?.[0]
  const certs = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)
  if (!key || !certs) throw new Error(`${location} must hold a PEM private key and certificate`)
  const passphrase = get('ssl.key.password')
  return { key, cert: certs.join('\n'), ...(passphrase ? { passphrase } : {}) }
}
