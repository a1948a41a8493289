import { createAcls, deleteAcls, listAcls, matchAll } from '../../../broker/client/acls.ts'
import { alterQuota, listQuotas } from '../../../broker/client/quotas.ts'
import type { HandlerTable } from './context.ts'

export const securityHandlers: HandlerTable<
  'quotas/list' | 'quotas/alter' | 'acls/list' | 'acls/create' | 'acls/delete'
> = {
  'quotas/list': async ({ cluster }, ctx) => listQuotas(await ctx.clusters.get(cluster)),
  'quotas/alter': async ({ cluster, ...spec }, ctx) => alterQuota(await ctx.clusters.get(cluster), spec),
  'acls/list': async ({ cluster, filter }, ctx) =>
    listAcls(await ctx.clusters.get(cluster), filter ?? matchAll),
  'acls/create': async ({ cluster, bindings }, ctx) => createAcls(await ctx.clusters.get(cluster), bindings),
  'acls/delete': async ({ cluster, filters }, ctx) => deleteAcls(await ctx.clusters.get(cluster), filters),
}
