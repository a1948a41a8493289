// What every handler may use. Nothing here is Electron-specific: the desktop main process and the
// web-mode server build the same context with their own adapters (dialogs, openExternal, secrets).
import type { EventName, Events, OpName, ParsedArgsOf, ResultOf } from '../../contract.ts'
import type { BrokerSupervisor } from '../../supervisor/broker-supervisor.ts'
import type { BrokerSettings } from '../../supervisor/types.ts'
import type { ClusterRegistry } from '../../services/cluster-registry.ts'
import type { ConnectionStore } from '../../services/connection-store.ts'
import type { TailRegistry } from '../../services/tail-registry.ts'

export interface HandlerContext {
  mode: 'electron' | 'web'
  version: string
  supervisor: BrokerSupervisor
  clusters: ClusterRegistry
  connections: ConnectionStore
  tails: TailRegistry
  emit<E extends EventName>(event: E, payload: Events[E]): void
  /** Folder picker; null when cancelled. Web mode has none and refuses. */
  chooseDirectory(): Promise<string | null>
  /** Opens a checked http(s) URL in the system browser. */
  openExternal(url: string): Promise<void>
  /** Persists broker settings the user changed. */
  saveBrokerSettings(settings: BrokerSettings): Promise<void>
}

export type Handler<N extends OpName> = (args: ParsedArgsOf<N>, ctx: HandlerContext) => Promise<ResultOf<N>>

export type HandlerTable<N extends OpName> = { [K in N]: Handler<K> }

export type Handlers = HandlerTable<OpName>
