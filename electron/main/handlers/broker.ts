import { AdminError } from '../../../broker/client/errors.ts'
import { BUNDLED } from '../../contract.ts'
import type { HandlerTable } from './context.ts'

type BrokerOps =
  | 'broker/status'
  | 'broker/logs'
  | 'broker/start'
  | 'broker/stop'
  | 'broker/restart'
  | 'broker/configure'
  | 'broker/chooseDataDir'

export const brokerHandlers: HandlerTable<BrokerOps> = {
  'broker/status': async (_args, ctx) => ctx.supervisor.status(),
  'broker/logs': async ({ afterSeq, limit }, ctx) => ctx.supervisor.logs(afterSeq ?? 0, limit),
  'broker/start': async (_args, ctx) => ctx.supervisor.start(),
  'broker/stop': async (_args, ctx) => {
    await ctx.clusters.forget(BUNDLED)
    return ctx.supervisor.stop()
  },
  'broker/restart': async (_args, ctx) => {
    await ctx.clusters.forget(BUNDLED)
    return ctx.supervisor.restart()
  },
  'broker/configure': async (args, ctx) => {
    const change: { dataDir?: string; port?: number | null } = {}
    if (args.dataDir !== undefined) change.dataDir = args.dataDir
    if (args.port !== undefined) change.port = args.port
    await ctx.clusters.forget(BUNDLED)
    const status = await ctx.supervisor.configure(change)
    await ctx.saveBrokerSettings(status.settings)
    return status
  },
  'broker/chooseDataDir': async (_args, ctx) => {
    if (ctx.mode === 'web')
      throw new AdminError(
        'unsupported',
        'Web mode has no folder picker: type the data directory path instead.',
      )
    return { path: await ctx.chooseDirectory() }
  },
}
