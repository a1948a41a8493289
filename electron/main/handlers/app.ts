import { AdminError } from '../../../broker/client/errors.ts'
import { checkExternalUrl } from '../security.ts'
import type { HandlerTable } from './context.ts'

export const appHandlers: HandlerTable<'app/info' | 'app/openExternal'> = {
  'app/info': async (_args, ctx) => ({
    version: ctx.version,
    mode: ctx.mode,
    passwordsPersisted: ctx.connections.secrets.persistent,
  }),
  'app/openExternal': async ({ url }, ctx) => {
    const checked = checkExternalUrl(url)
    if (!checked.ok) throw new AdminError('invalid-argument', checked.reason)
    await ctx.openExternal(checked.url)
  },
}
