import {
  applyResetOffsets,
  deleteGroup,
  deleteGroupOffsets,
  describeGroup,
  listGroups,
  previewResetOffsets,
} from '../../../broker/client/groups.ts'
import type { HandlerTable } from './context.ts'

type GroupOps =
  | 'groups/list'
  | 'groups/describe'
  | 'groups/resetOffsets.preview'
  | 'groups/resetOffsets.apply'
  | 'groups/delete'
  | 'groups/deleteOffsets'

export const groupHandlers: HandlerTable<GroupOps> = {
  'groups/list': async ({ cluster }, ctx) => listGroups(await ctx.clusters.get(cluster)),
  'groups/describe': async ({ cluster, groupId }, ctx) =>
    describeGroup(await ctx.clusters.get(cluster), groupId),
  'groups/resetOffsets.preview': async ({ cluster, ...spec }, ctx) =>
    previewResetOffsets(await ctx.clusters.get(cluster), spec),
  'groups/resetOffsets.apply': async ({ cluster, ...spec }, ctx) =>
    applyResetOffsets(await ctx.clusters.get(cluster), spec),
  'groups/delete': async ({ cluster, groupId }, ctx) => deleteGroup(await ctx.clusters.get(cluster), groupId),
  'groups/deleteOffsets': async ({ cluster, ...spec }, ctx) =>
    deleteGroupOffsets(await ctx.clusters.get(cluster), spec),
}
