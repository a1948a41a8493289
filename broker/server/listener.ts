// The TCP listener: accepts connections up to max.connections and tracks them for shutdown.
import net from 'node:net'
import tls from 'node:tls'
import { tlsServerOptions } from '../security/tls.ts'
import type { BrokerState } from './broker-state.ts'
import { Connection } from './connection.ts'

export class Listener {
  readonly #server: net.Server
  readonly #broker: BrokerState
  readonly #connections = new Set<Connection>()
  #nextId = 1

  constructor(broker: BrokerState) {
    this.#broker = broker
    const tlsOptions = tlsServerOptions(broker.config)
    if (tlsOptions) {
      this.#server = tls.createServer({ ...tlsOptions, noDelay: true }, (socket) => this.#accept(socket))
      this.#server.on('tlsClientError', (err) => broker.log.debug({ err }, 'TLS handshake failed'))
    } else {
      this.#server = net.createServer({ noDelay: true }, (socket) => this.#accept(socket))
    }
    this.#server.on('error', (err) => broker.log.error({ err }, 'listener error'))
  }

  get connectionCount(): number {
    return this.#connections.size
  }

  /** Starts listening; resolves with the bound address (the real port when port was 0). */
  listen(host: string, port: number): Promise<{ host: string; port: number }> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error): void => reject(err)
      this.#server.once('error', onError)
      this.#server.listen({ host, port, exclusive: true }, () => {
        this.#server.off('error', onError)
        const addr = this.#server.address() as net.AddressInfo
        resolve({ host, port: addr.port })
      })
    })
  }

  #accept(socket: net.Socket): void {
    const max = this.#broker.config.int('max.connections')
    if (this.#connections.size >= max) {
      this.#broker.log.warn(
        { remote: socket.remoteAddress, max },
        'max.connections reached, refusing connection',
      )
      socket.destroy()
      return
    }
    const conn = new Connection(socket, this.#broker, this.#nextId++)
    this.#connections.add(conn)
    socket.on('close', () => this.#connections.delete(conn))
  }

  /** Stops accepting, lets in-flight responses go out, then closes every connection. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()))
    await Promise.all([...this.#connections].map((c) => c.drainAndClose()))
    for (const c of this.#connections) c.close()
    await closed
  }
}
