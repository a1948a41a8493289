// Assembles and starts the broker: data directory, metadata, partition logs, handlers, listener.
// A helper adding a service (producer state, groups, ...) creates it here, after what it depends on,
// stores it in BrokerState, and closes it in close() before the logs.
import net from 'node:net'
import type { Logger } from 'pino'
import { createGroupCoordinator, startGroupCoordinator } from '../groups/group-service.ts'
import { createTransactionCoordinator, startTransactionCoordinator } from '../txn/txn-service.ts'
import { MetadataStore } from '../metadata/store.ts'
import { QuotaManager } from '../quotas/quota-manager.ts'
import { ConfigResourceType, RecordType } from '../metadata/records.ts'
import { LogManager } from '../storage/log-manager.ts'
import { handlers } from './apis/index.ts'
import type { BrokerState } from './broker-state.ts'
import type { BrokerConfig } from './config.ts'
import { openDataPath, preloadProducers } from './data-path.ts'
import { loadOrFormat, lockDataDir } from './data-dir.ts'
import { Listener, type ListenerGroup } from './listener.ts'
import { listenerSpecs, type ListenerEndpoint, type ListenerSpec } from './listener-specs.ts'
import { ApiRegistry } from './registry.ts'
import { logConfigFor } from './topic-configs.ts'

export interface StartBrokerOptions {
  /** The PLAINTEXT listener's address when the `listeners` config is not set; the host of entries without one. */
  host: string
  port: number
  dataDir: string
  config: BrokerConfig
  log: Logger
}

export interface BrokerServer {
  state: BrokerState
  /** Where the first listener is bound (the real port when 0 was asked for). */
  address: { host: string; port: number }
  /** Every bound listener, in `listeners` order. */
  listeners: ListenerEndpoint[]
  /** Clean shutdown: stop accepting, finish responses, close logs (clean-shutdown marker), snapshot metadata. */
  close(): Promise<void>
}

export function isLoopback(host: string): boolean {
  if (host === 'localhost' || host === '::1') return true
  return net.isIPv4(host) && host.startsWith('127.')
}

export async function startBroker(opts: StartBrokerOptions): Promise<BrokerServer> {
  const { config, dataDir } = opts
  // Bad listener configs fail before the data directory is touched.
  const specs = listenerSpecs(config, opts)
  const nodeId = config.int('node.id')
  const { clusterId } = loadOrFormat(dataDir, nodeId)
  const unlock = lockDataDir(dataDir)
  try {
    return await start(opts, specs, nodeId, clusterId, unlock)
  } catch (err) {
    await unlock()
    throw err
  }
}

async function start(
  opts: StartBrokerOptions,
  specs: ListenerSpec[],
  nodeId: number,
  clusterId: string,
  unlock: () => Promise<void>,
): Promise<BrokerServer> {
  const { config, log, dataDir } = opts
  const metadata = await MetadataStore.open(dataDir, log.child({ component: 'metadata' }))
  const image = metadata.image
  for (const [resource, values] of image.brokerConfigs) {
    if (resource !== '' && resource !== String(nodeId)) continue
    for (const [name, value] of values) config.setDynamic(name, value, resource !== '')
  }

  const topicLogConfig = (topic: string): ReturnType<typeof logConfigFor> | undefined => {
    const t = image.topicsByName.get(topic)
    if (!t) return undefined
    try {
      return logConfigFor(config, t.configs)
    } catch (err) {
      log.warn({ topic, err: (err as Error).message }, 'stored topic config is invalid, using defaults')
      return logConfigFor(config, new Map())
    }
  }
  const logs = await LogManager.open(dataDir, {
    defaults: logConfigFor(config, new Map()),
    topicConfig: topicLogConfig,
    retentionCheckIntervalMs: config.int('log.retention.check.interval.ms'),
    compactionIntervalMs: config.bool('log.cleaner.enable') ? config.int('log.cleaner.backoff.ms') : null,
    log: (message) => log.warn({ component: 'storage' }, message),
  })
  if (!logs.hadCleanShutdown && logs.partitions().length > 0) {
    log.info('previous shutdown was not clean: partition logs recovered')
  }

  // The metadata log is the truth: create logs it names that are missing, drop the ones it deleted.
  for (const t of image.topicsByName.values()) {
    const cfg = topicLogConfig(t.name)
    for (let p = 0; p < t.partitions.length; p++) {
      if (!logs.getLog(t.name, p)) await logs.createLog(t.name, p, cfg)
    }
  }
  for (const topic of new Set(logs.partitions().map((e) => e.topic))) {
    if (!image.topicsByName.has(topic)) {
      log.info({ topic }, 'removing partition logs of a deleted topic')
      await logs.deleteLogs(topic)
    }
  }

  // Config changes reach the storage engine: a topic's own, or a broker default that feeds every topic.
  metadata.onRecord((rec) => {
    if (rec.type !== RecordType.CONFIG) return
    if (rec.resourceType === ConfigResourceType.TOPIC) {
      const cfg = topicLogConfig(rec.resourceName)
      if (cfg) logs.updateConfig(rec.resourceName, cfg)
    } else if (rec.resourceType === ConfigResourceType.BROKER) {
      if (rec.resourceName !== '' && rec.resourceName !== String(nodeId)) return
      config.setDynamic(rec.name, rec.value, rec.resourceName !== '')
      for (const t of image.topicsByName.keys()) {
        const cfg = topicLogConfig(t)
        if (cfg) logs.updateConfig(t, cfg)
      }
    }
  })
  logs.start()
  const dataPath = await openDataPath(dataDir, {
    maxFetchSessions: config.int('max.incremental.fetch.session.cache.slots'),
    producerIdExpirationMs: () => config.int('producer.id.expiration.ms'),
  })

  const state: BrokerState = {
    nodeId,
    clusterId,
    advertised: { host: '', port: 0 },
    dataDir,
    config,
    metadata,
    logs,
    dataPath,
    groups: createGroupCoordinator(config, logs, log),
    txn: createTransactionCoordinator(config, logs, () => state),
    quotas: new QuotaManager(image, {
      window: {
        samples: config.int('quota.window.num'),
        windowMs: 1000 * config.int('quota.window.size.seconds'),
      },
      controllerWindow: {
        samples: config.int('controller.quota.window.num'),
        windowMs: 1000 * config.int('controller.quota.window.size.seconds'),
      },
    }),
    registry: new ApiRegistry(handlers),
    log: opts.log,
  }
  // A quota change applies from the next request on.
  metadata.onRecord((rec) => {
    if (rec.type === RecordType.CLIENT_QUOTA) state.quotas.invalidate()
  })
  const group: ListenerGroup = {
    nextId: 1,
    total: () => listeners.reduce((n, l) => n + l.connectionCount, 0),
  }
  const listeners: Listener[] = []
  const endpoints: ListenerEndpoint[] = []
  try {
    for (const spec of specs) {
      const listener = new Listener(state, spec, group)
      listeners.push(listener)
      endpoints.push(await listener.listen())
    }
  } catch (err) {
    await Promise.all(listeners.map((l) => l.close()))
    await dataPath.close()
    await logs.close()
    await metadata.close()
    throw err
  }
  const first = endpoints[0] as ListenerEndpoint
  state.advertised = first.advertised
  const address = { host: first.host, port: first.port }
  // The coordinators load in the background (clients retry COORDINATOR_LOAD_IN_PROGRESS meanwhile), from
  // the next turn of the event loop: creating __consumer_offsets on a new data directory is ~15 ms of
  // synchronous work (its metadata records, the CRC-32C module) that need not hold up the ready line.
  setImmediate(() => {
    if (closing !== null) return
    void startGroupCoordinator(state).catch((err: unknown) =>
      log.error({ err: (err as Error).message }, 'consumer groups could not be loaded'),
    )
    void startTransactionCoordinator(state).catch((err: unknown) =>
      log.error({ err: (err as Error).message }, 'transaction coordinator could not be loaded'),
    )
    // Producer state loads with the logs (as in Kafka), not inside a client's first READ_COMMITTED fetch.
    void preloadProducers(
      dataPath,
      logs.partitions().map((e) => e.log),
    )
  })
  for (const e of endpoints) {
    if (!isLoopback(e.host)) {
      log.warn({ host: e.host }, 'listening on a non-loopback address: other machines can reach this broker')
    }
  }
  const bound = endpoints.map((e) => `${e.name}://${e.host}:${e.port}`).join(',')
  log.info({ listeners: bound, dataDir, clusterId, nodeId }, 'broker started')

  let closing: Promise<void> | null = null
  return {
    state,
    address,
    listeners: endpoints,
    close: () => {
      closing ??= (async () => {
        dataPath.fetchWaiters.close()
        await Promise.all(listeners.map((l) => l.close()))
        state.groups.stop()
        state.txn.stop()
        await dataPath.close()
        await logs.close()
        await metadata.close()
        await unlock()
      })()
      return closing
    },
  }
}
