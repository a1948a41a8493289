// Builds everything the handlers need, the same way for the desktop app and for web mode: the broker
// supervisor (with the given process adapter), saved connections, cluster clients, tails, events.
import path from 'node:path'
import type { HandlerContext } from '../main/handlers/context.ts'
import { handlers } from '../main/handlers/index.ts'
import { createDispatcher, type Dispatch } from '../main/dispatch.ts'
import type { Events } from '../contract.ts'
import { BrokerSupervisor } from '../supervisor/broker-supervisor.ts'
import type { SpawnProcess } from '../supervisor/process-adapter.ts'
import type { BrokerSettings } from '../supervisor/types.ts'
import { forwardBrokerEvents } from './broker-events.ts'
import { ClusterRegistry } from './cluster-registry.ts'
import { ConnectionStore } from './connection-store.ts'
import { readJson, writeJson } from './json-file.ts'
import type { SecretStore } from './secret-store.ts'
import { TailRegistry } from './tail-registry.ts'

export interface AppContextOptions {
  mode: 'electron' | 'web'
  version: string
  /** The app's state folder: saved connections, broker settings and (by default) the broker's data. */
  stateDir: string
  spawn: SpawnProcess
  brokerEntry: string
  brokerEnv?: Record<string, string>
  /** Overrides the saved broker settings (tests, `strata console --data-dir`). */
  brokerSettings?: Partial<BrokerSettings>
  secrets: SecretStore
  emit<E extends keyof Events>(event: E, payload: Events[E]): void
  chooseDirectory?: () => Promise<string | null>
  openExternal?: (url: string) => Promise<void>
}

export interface AppContext {
  ctx: HandlerContext
  dispatch: Dispatch
  supervisor: BrokerSupervisor
  /** Stops tails, closes clients and stops the broker cleanly. */
  shutdown(): Promise<void>
}

export function defaultBrokerSettings(stateDir: string): BrokerSettings {
  return { dataDir: path.join(stateDir, 'broker-data'), port: null, host: '127.0.0.1' }
}

export async function createAppContext(options: AppContextOptions): Promise<AppContext> {
  const settingsFile = path.join(options.stateDir, 'broker-settings.json')
  const saved = await readJson<Partial<BrokerSettings>>(settingsFile, {})
  const settings: BrokerSettings = {
    ...defaultBrokerSettings(options.stateDir),
    ...saved,
    ...options.brokerSettings,
    host: '127.0.0.1',
  }
  const supervisor = new BrokerSupervisor({
    spawn: options.spawn,
    entry: options.brokerEntry,
    settings,
    env: options.brokerEnv ?? {},
  })
  const connections = new ConnectionStore(path.join(options.stateDir, 'connections.json'), options.secrets)
  const clusters = new ClusterRegistry(supervisor, connections)
  const tails = new TailRegistry()
  const ctx: HandlerContext = {
    mode: options.mode,
    version: options.version,
    supervisor,
    clusters,
    connections,
    tails,
    emit: options.emit,
    chooseDirectory: options.chooseDirectory ?? (async () => null),
    openExternal: options.openExternal ?? (async () => undefined),
    saveBrokerSettings: (s) => writeJson(settingsFile, { dataDir: s.dataDir, port: s.port }),
  }
  const stopForwarding = forwardBrokerEvents(supervisor, options.emit)
  return {
    ctx,
    dispatch: createDispatcher(handlers, ctx),
    supervisor,
    async shutdown() {
      await tails.stopAll()
      await clusters.closeAll()
      await supervisor.stop()
      stopForwarding()
    },
  }
}
