// One bound listener (a `listeners` entry): accepts connections while the broker as a whole is under
// max.connections, and tracks its own for shutdown. TLS for SSL and SASL_SSL listeners; on an SSL
// listener the client certificate (ssl.client.auth) gives the connection's principal.
import net from 'node:net'
import type { TLSSocket } from 'node:tls'
import { sslClientAuth, type SslClientAuth } from '../security/ssl-client-auth.ts'
import { tlsServerOptions } from '../security/tls.ts'
import type { BrokerState } from './broker-state.ts'
import { Connection } from './connection.ts'
import { boundEndpoint, type ListenerEndpoint, type ListenerSpec } from './listener-specs.ts'

/** Shared by a broker's listeners: connection ids and the broker-wide connection count. */
export interface ListenerGroup {
  nextId: number
  total(): number
}

export class Listener {
  readonly #server: net.Server
  readonly #broker: BrokerState
  readonly #spec: ListenerSpec
  readonly #group: ListenerGroup
  readonly #connections = new Set<Connection>()
  /** Principals from client certificates: SSL listeners only (on SASL_SSL the SASL identity wins). */
  readonly #clientAuth: SslClientAuth | null
  #endpoint: ListenerEndpoint | null = null

  constructor(broker: BrokerState, spec: ListenerSpec, group: ListenerGroup) {
    this.#broker = broker
    this.#spec = spec
    this.#group = group
    const tlsOptions = tlsServerOptions(broker.config, spec)
    const clientAuth = sslClientAuth(broker.config, spec)
    this.#clientAuth = spec.securityProtocol === 'SSL' ? clientAuth : null
    if (tlsOptions) {
      // node:tls loads only for a TLS listener: it is a few ms of every start otherwise.
      const tls = process.getBuiltinModule('node:tls')
      this.#server = tls.createServer({ ...tlsOptions, ...clientAuth?.options, noDelay: true }, (socket) =>
        this.#accept(socket),
      )
      this.#server.on('tlsClientError', (err) => broker.log.debug({ err }, 'TLS handshake failed'))
    } else {
      // Paused: the connection moves the socket's handle before anything is read (read-into.ts).
      this.#server = net.createServer({ noDelay: true, pauseOnConnect: true }, (socket) =>
        this.#accept(socket),
      )
    }
    this.#server.on('error', (err) => broker.log.error({ err }, 'listener error'))
  }

  get connectionCount(): number {
    return this.#connections.size
  }

  /** Starts listening; resolves with the bound endpoint (the real port when port was 0). */
  listen(): Promise<ListenerEndpoint> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err)
      this.#server.once('error', onError)
      this.#server.listen({ host: this.#spec.host, port: this.#spec.port, exclusive: true }, () => {
        this.#server.off('error', onError)
        const addr = this.#server.address() as net.AddressInfo
        this.#endpoint = boundEndpoint(this.#spec, addr.port)
        resolve(this.#endpoint)
      })
    })
  }

  #accept(socket: net.Socket): void {
    const max = this.#broker.config.int('max.connections')
    if (this.#group.total() >= max || !this.#endpoint) {
      this.#broker.log.warn(
        { remote: socket.remoteAddress, max },
        'max.connections reached, refusing connection',
      )
      socket.destroy()
      return
    }
    const principal = this.#clientAuth ? this.#clientAuth.principal(socket as TLSSocket) : null
    if (this.#clientAuth && principal === null) {
      this.#broker.log.info(
        { remote: socket.remoteAddress, reason: (socket as TLSSocket).authorizationError },
        'client certificate refused (untrusted, or no ssl.principal.mapping.rules entry applies)',
      )
      socket.destroy()
      return
    }
    const conn = new Connection(socket, this.#broker, this.#group.nextId++, this.#endpoint)
    // Set before the socket's first data event: every request of the connection runs as this principal.
    if (principal !== null) conn.info.principal = principal
    this.#connections.add(conn)
    conn.onClose(() => this.#connections.delete(conn))
  }

  /** Stops accepting, lets in-flight responses go out, then closes every connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      if (this.#server.listening) this.#server.close(() => resolve())
      else resolve()
    })
    await Promise.all([...this.#connections].map((c) => c.drainAndClose()))
    for (const c of this.#connections) c.close()
    await closed
  }
}
