import { describeCluster } from '../../../broker/client/cluster.ts'
import { describePartitions } from '../../../broker/client/partitions.ts'
import { deleteRecords } from '../../../broker/client/records.ts'
import {
  addPartitions,
  alterTopicConfigs,
  createTopic,
  deleteTopics,
  describeTopicConfigs,
  listTopics,
} from '../../../broker/client/topics.ts'
import type { HandlerTable } from './context.ts'

type TopicOps =
  | 'cluster/describe'
  | 'topics/list'
  | 'topics/create'
  | 'topics/delete'
  | 'topics/addPartitions'
  | 'topics/configs'
  | 'topics/alterConfigs'
  | 'partitions/describe'
  | 'records/delete'

export const topicHandlers: HandlerTable<TopicOps> = {
  'cluster/describe': async ({ cluster }, ctx) => describeCluster(await ctx.clusters.get(cluster)),
  'topics/list': async ({ cluster, includeInternal }, ctx) =>
    listTopics(await ctx.clusters.get(cluster), { includeInternal }),
  'topics/create': async ({ cluster, ...spec }, ctx) => createTopic(await ctx.clusters.get(cluster), spec),
  'topics/delete': async ({ cluster, names }, ctx) => deleteTopics(await ctx.clusters.get(cluster), names),
  'topics/addPartitions': async ({ cluster, topic, totalPartitions }, ctx) =>
    addPartitions(await ctx.clusters.get(cluster), topic, totalPartitions),
  'topics/configs': async ({ cluster, topic }, ctx) =>
    describeTopicConfigs(await ctx.clusters.get(cluster), topic),
  'topics/alterConfigs': async ({ cluster, topic, set, reset }, ctx) =>
    alterTopicConfigs(await ctx.clusters.get(cluster), topic, { set, reset }),
  'partitions/describe': async ({ cluster, topic }, ctx) =>
    describePartitions(await ctx.clusters.get(cluster), topic),
  'records/delete': async ({ cluster, ...spec }, ctx) => deleteRecords(await ctx.clusters.get(cluster), spec),
}
