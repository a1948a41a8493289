import { testConnection } from '../../../broker/client/connections.ts'
import type { HandlerTable } from './context.ts'

export const connectionHandlers: HandlerTable<
  'connections/list' | 'connections/save' | 'connections/delete' | 'connections/test'
> = {
  'connections/list': async (_args, ctx) => ctx.connections.list(),
  'connections/save': async ({ config, password }, ctx) => {
    const saved = await ctx.connections.save(config, password)
    await ctx.clusters.forget(config.id)
    return saved
  },
  'connections/delete': async ({ id }, ctx) => {
    await ctx.connections.delete(id)
    await ctx.clusters.forget(id)
  },
  'connections/test': async ({ config, password }, ctx) => {
    // Testing a saved connection without retyping its password uses the stored one.
    const secret = password === undefined ? await ctx.connections.secrets.get(config.id) : password
    return testConnection(config, { password: secret })
  },
}
