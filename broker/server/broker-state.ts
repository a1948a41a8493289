// The broker's services in one plain object, handed to every handler as `ctx.broker`.
// A helper that adds a service (producer state, fetch sessions, group coordinator, ...) adds ONE field
// here and creates it in ./broker.ts (startBrokerServer), in dependency order.
import type { Logger } from 'pino'
import type { GroupCoordinator } from '../groups/coordinator.ts'
import type { LogManager } from '../storage/log-manager.ts'
import type { MetadataStore } from '../metadata/store.ts'
import type { BrokerConfig } from './config.ts'
import type { DataPath } from './data-path.ts'
import type { TransactionCoordinator } from '../txn/coordinator.ts'
import type { ApiRegistry } from './registry.ts'
import type { QuotaManager } from '../quotas/quota-manager.ts'

export interface BrokerState {
  /** This broker's node id (a single-node cluster: always 1). */
  nodeId: number
  /** Base64url cluster id (22 chars), fixed when the data directory is first formatted. */
  clusterId: string
  /** The first listener's advertised address (requests answer with their own listener's: ctx.conn.listener). */
  advertised: { host: string; port: number }
  /** Root of the data directory: partition folders, __cluster_metadata-0, checkpoints. */
  dataDir: string
  /** Broker configs with Kafka's names: static values from flags, dynamic ones from the metadata log. */
  config: BrokerConfig
  /** Topics, partitions, topic configs and dynamic broker configs, durable through the metadata log. */
  metadata: MetadataStore
  /** Partition logs on disk (`<data>/<topic>-<partition>/`). */
  logs: LogManager
  /** Produce/fetch services: producer state and ids, fetch sessions, long-poll wake-ups. */
  dataPath: DataPath
  /** Classic consumer groups and committed offsets (durable in __consumer_offsets). */
  groups: GroupCoordinator
  /** Transactional ids and their transactions (durable in __transaction_state). */
  txn: TransactionCoordinator
  /** Client quota enforcement: sensors and throttle times per (user, client-id). */
  quotas: QuotaManager
  /** The served APIs (ApiVersions reads it). */
  registry: ApiRegistry
  log: Logger
}
