// One connected cluster: the Kafka client options built once from a connection (bundled broker or saved
// external cluster), a long-lived admin client, and short-lived consumers/producers made on demand.
import { randomUUID } from 'node:crypto'
import { Admin, Consumer, Producer } from '@platformatic/kafka'
import type { ConnectionConfig } from './types.ts'

type KafkaOptions = ConstructorParameters<typeof Admin>[0]

export interface ClusterCredentials {
  password: string | null
}

export function kafkaOptions(
  config: ConnectionConfig,
  credentials: ClusterCredentials,
  clientId: string,
): KafkaOptions {
  const options: KafkaOptions = {
    clientId,
    bootstrapBrokers: config.bootstrap,
    connectTimeout: 5000,
    requestTimeout: 15_000,
    timeout: 15_000,
    retries: 1,
    retryDelay: 250,
  }
  if (config.tls?.enabled) {
    options.tls = {
      rejectUnauthorized: config.tls.rejectUnauthorized,
      ...(config.tls.caPem ? { ca: config.tls.caPem } : {}),
    }
    if (config.tls.serverName) options.tlsServerName = config.tls.serverName
  }
  if (config.sasl) {
    options.sasl = {
      mechanism: config.sasl.mechanism,
      username: config.sasl.username,
      password: credentials.password ?? '',
    }
  }
  return options
}

export class ClusterClient {
  readonly config: ConnectionConfig
  readonly #options: KafkaOptions
  #admin: Admin | null = null
  #producer: Producer | null = null

  constructor(config: ConnectionConfig, credentials: ClusterCredentials = { password: null }) {
    this.config = config
    this.#options = kafkaOptions(config, credentials, 'strata-console')
  }

  get admin(): Admin {
    if (!this.#admin || this.#admin.closed) this.#admin = new Admin(this.#options)
    return this.#admin
  }

  /** One producer per cluster, created on first use (connections are reused between sends). */
  get producer(): Producer {
    if (!this.#producer || this.#producer.closed)
      this.#producer = new Producer({ ...this.#options, acks: -1 })
    return this.#producer
  }

  /** A consumer used only for Fetch/ListOffsets (never joins its group); the caller closes it. */
  fetcher(): Consumer {
    return new Consumer({
      ...this.#options,
      groupId: `strata-console-${randomUUID()}`,
      maxWaitTime: 200,
      minBytes: 1,
      maxBytes: 4 * 1024 * 1024,
    })
  }

  async close(): Promise<void> {
    const closing: Promise<void>[] = []
    if (this.#admin && !this.#admin.closed) closing.push(this.#admin.close())
    if (this.#producer && !this.#producer.closed) closing.push(this.#producer.close(true))
    this.#admin = null
    this.#producer = null
    await Promise.allSettled(closing)
  }
}
