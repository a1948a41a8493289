import { readMessages } from '../../../broker/client/messages.ts'
import { produce } from '../../../broker/client/produce.ts'
import { startTail } from '../../../broker/client/tail.ts'
import type { HandlerTable } from './context.ts'

export const messageHandlers: HandlerTable<
  'messages/read' | 'messages/tailStart' | 'messages/tailStop' | 'messages/produce'
> = {
  'messages/read': async ({ cluster, ...spec }, ctx) => readMessages(await ctx.clusters.get(cluster), spec),
  'messages/tailStart': async ({ cluster, ...options }, ctx) => {
    const tailId = ctx.tails.newId()
    const tail = await startTail(await ctx.clusters.get(cluster), options, (update) =>
      ctx.emit('messages/tail', { tailId, update }),
    )
    ctx.tails.add(tailId, tail)
    return { tailId }
  },
  'messages/tailStop': async ({ tailId }, ctx) => {
    await ctx.tails.stop(tailId)
  },
  'messages/produce': async ({ cluster, ...spec }, ctx) => produce(await ctx.clusters.get(cluster), spec),
}
