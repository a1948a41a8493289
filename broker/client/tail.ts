// Live tail: follows the end of a topic and hands out batched updates, at most `maxPerUpdate` messages
// every `intervalMs`. Messages beyond that are dropped (oldest first) and counted, so a fast topic can
// never flood the window; the fetch loop also waits while an update is being delivered.
import type { ClusterClient } from './cluster-client.ts'
import { AdminError } from './errors.ts'
import { batchToViews } from './fetch-range.ts'
import { topicLayout } from './messages.ts'
import { partitionOffsets, LATEST } from './offsets.ts'
import { run } from './run.ts'
import type { MessageView, TailOptions, TailUpdate } from './types.ts'

export interface Tail {
  stop(): Promise<void>
}

export function startTail(
  client: ClusterClient,
  options: TailOptions,
  deliver: (update: TailUpdate) => void | Promise<void>,
): Promise<Tail> {
  return run(async () => {
    const consumer = client.fetcher()
    let layout
    try {
      layout = await topicLayout(consumer, options.topic)
    } catch (error) {
      await consumer.close(true)
      throw error
    }
    const all = layout.leaders.map((_, i) => i)
    const partitions = options.partitions ?? all
    const unknown = partitions.filter((p) => !all.includes(p))
    if (unknown.length > 0) {
      await consumer.close(true)
      throw new AdminError('not-found', `Topic ${options.topic} has no partition ${unknown.join(', ')}.`)
    }
    const next = await partitionOffsets(client.admin, options.topic, partitions, LATEST)
    const highWatermarks = new Map(next)
    const view = {
      keyFormat: options.keyFormat,
      valueFormat: options.valueFormat,
      maxPayloadBytes: options.maxPayloadBytes,
    }
    let pending: MessageView[] = []
    let dropped = 0
    let lastSentLag = -1n
    let stopped = false

    const lag = (): bigint => {
      let total = 0n
      for (const p of partitions) total += (highWatermarks.get(p) ?? 0n) - (next.get(p) ?? 0n)
      return total > 0n ? total : 0n
    }

    const flush = async (): Promise<void> => {
      const currentLag = lag()
      if (pending.length === 0 && currentLag === lastSentLag) return
      const messages = pending
      pending = []
      lastSentLag = currentLag
      await deliver({ messages, dropped, lag: currentLag.toString(), error: null })
    }

    const fetchLoop = async (): Promise<void> => {
      const byNode = new Map<number, number[]>()
      for (const p of partitions)
        byNode.set(layout.leaders[p] ?? 0, [...(byNode.get(layout.leaders[p] ?? 0) ?? []), p])
      let lastFlush = Date.now()
      while (!stopped) {
        for (const [node, nodePartitions] of byNode) {
          const response = await consumer.fetch({
            node,
            maxWaitTime: Math.min(500, options.intervalMs),
            topics: [
              {
                topicId: layout.topicId,
                partitions: nodePartitions.map((partition) => ({
                  partition,
                  fetchOffset: next.get(partition) ?? 0n,
                  partitionMaxBytes: 256 * 1024,
                  currentLeaderEpoch: -1,
                  lastFetchedEpoch: -1,
                })),
              },
            ],
          })
          for (const answer of response.responses.flatMap((t) => t.partitions)) {
            if (answer.errorCode !== 0) continue
            highWatermarks.set(answer.partitionIndex, answer.highWatermark)
            for (const batch of answer.records ?? []) {
              const from = next.get(answer.partitionIndex) ?? 0n
              for (const record of batchToViews(options.topic, answer.partitionIndex, batch, from, view)) {
                pending.push(record.view)
                if (pending.length > options.maxPerUpdate) {
                  pending.shift()
                  dropped++
                }
              }
              const end = batch.firstOffset + BigInt(batch.lastOffsetDelta) + 1n
              if (end > from) next.set(answer.partitionIndex, end)
            }
          }
        }
        if (Date.now() - lastFlush >= options.intervalMs) {
          lastFlush = Date.now()
          await flush()
        }
      }
    }

    const loop = fetchLoop().catch(async (error: unknown) => {
      if (stopped) return
      stopped = true
      await deliver({ messages: [], dropped, lag: lag().toString(), error: (error as Error).message })
    })

    return {
      async stop() {
        stopped = true
        await loop
        await consumer.close(true)
      },
    }
  })
}
