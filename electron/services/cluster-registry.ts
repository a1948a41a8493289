// One ClusterClient per cluster id, made on first use: 'bundled' follows the supervised broker's current
// address, any other id is a saved connection with its stored password.
import { ClusterClient } from '../../broker/client/cluster-client.ts'
import { AdminError } from '../../broker/client/errors.ts'
import { BUNDLED } from '../contract.ts'
import type { BrokerSupervisor } from '../supervisor/broker-supervisor.ts'
import type { ConnectionStore } from './connection-store.ts'

export class ClusterRegistry {
  readonly #supervisor: BrokerSupervisor
  readonly #connections: ConnectionStore
  readonly #clients = new Map<string, { client: ClusterClient; bootstrap: string }>()

  constructor(supervisor: BrokerSupervisor, connections: ConnectionStore) {
    this.#supervisor = supervisor
    this.#connections = connections
  }

  async get(id: string): Promise<ClusterClient> {
    if (id === BUNDLED) return this.#bundled()
    const cached = this.#clients.get(id)
    if (cached) return cached.client
    const config = await this.#connections.get(id)
    if (!config) throw new AdminError('not-found', `No saved connection with id "${id}".`)
    const client = new ClusterClient(config, { password: await this.#connections.secrets.get(id) })
    this.#clients.set(id, { client, bootstrap: config.bootstrap.join(',') })
    return client
  }

  #bundled(): ClusterClient {
    const status = this.#supervisor.status()
    if (status.state !== 'running' || !status.bootstrap)
      throw new AdminError(
        'connection',
        `The bundled broker is not running (${status.state}${status.problem ? `: ${status.problem.message}` : ''}). Start it from the broker panel.`,
      )
    const cached = this.#clients.get(BUNDLED)
    if (cached && cached.bootstrap === status.bootstrap) return cached.client
    if (cached) void cached.client.close()
    const client = new ClusterClient({
      id: BUNDLED,
      name: 'Bundled broker',
      bootstrap: [status.bootstrap],
      sasl: null,
      tls: null,
    })
    this.#clients.set(BUNDLED, { client, bootstrap: status.bootstrap })
    return client
  }

  /** Drops a cached client (after its connection was edited or deleted). */
  async forget(id: string): Promise<void> {
    const cached = this.#clients.get(id)
    this.#clients.delete(id)
    await cached?.client.close()
  }

  async closeAll(): Promise<void> {
    const all = [...this.#clients.values()]
    this.#clients.clear()
    await Promise.allSettled(all.map((c) => c.client.close()))
  }
}
