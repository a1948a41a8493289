// The data shapes the renderer shows, as the contract defines them (one import point for views and stores).
export type * from '../../../broker/client/types.ts'
export type { BrokerStatus, BrokerState, LogLine } from '../../../electron/supervisor/types.ts'
export type {
  ArgsOf,
  EventName,
  Events,
  OpName,
  ResultOf,
  StrataErrorShape,
} from '../../../electron/contract.ts'
