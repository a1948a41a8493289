// The cluster overview, with throughput sampled from offsets and sizes while the view is open.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { call } from './backend.ts'
import { activeCluster } from './connections.ts'
import { tracked } from './async-state.ts'
import { RateWindow } from '../lib/rate.ts'
import type { ClusterOverview, GroupSummary, TopicSummary } from '../lib/model.ts'

export interface LaggingGroup {
  groupId: string
  state: string
  lag: number
}

export const useClusterStore = defineStore('cluster', () => {
  const overview = ref<ClusterOverview | null>(null)
  const totalBytes = ref<number | null>(null)
  const totalMessages = ref<number>(0)
  const messagesPerSecond = ref<number | null>(null)
  const bytesPerSecond = ref<number | null>(null)
  const laggingGroups = ref<LaggingGroup[]>([])
  const groupsError = ref<unknown>(null)
  const state = tracked()
  const msgRate = new RateWindow()
  const byteRate = new RateWindow()

  function sample(topics: readonly TopicSummary[], at: number): void {
    let messages = 0
    let bytes: number | null = 0
    for (const t of topics) {
      messages += Number(t.messageCount)
      if (t.sizeBytes === null) bytes = null
      else if (bytes !== null) bytes += Number(t.sizeBytes)
    }
    totalMessages.value = messages
    totalBytes.value = bytes
    msgRate.add({ at, value: messages })
    messagesPerSecond.value = msgRate.perSecond()
    if (bytes !== null) {
      byteRate.add({ at, value: bytes })
      bytesPerSecond.value = byteRate.perSecond()
    }
  }

  async function loadGroups(groups: readonly GroupSummary[]): Promise<void> {
    const details = await Promise.allSettled(
      groups
        .slice(0, 50)
        .map((g) => call('groups/describe', { cluster: activeCluster(), groupId: g.groupId })),
    )
    const rows: LaggingGroup[] = []
    for (const d of details) {
      if (d.status === 'fulfilled')
        rows.push({ groupId: d.value.groupId, state: d.value.state, lag: Number(d.value.totalLag) })
    }
    laggingGroups.value = rows.sort((a, b) => b.lag - a.lag).slice(0, 5)
  }

  async function refresh(): Promise<void> {
    await state.run(async () => {
      const cluster = activeCluster()
      const [o, topics] = await Promise.all([
        call('cluster/describe', { cluster }),
        call('topics/list', { cluster, includeInternal: true }),
      ])
      overview.value = o
      sample(topics, Date.now())
      // Groups are a part of the overview, not a condition for it (some clusters refuse ListGroups).
      try {
        await loadGroups(await call('groups/list', { cluster }))
        groupsError.value = null
      } catch (e) {
        groupsError.value = e
      }
    })
  }

  function reset(): void {
    msgRate.clear()
    byteRate.clear()
    messagesPerSecond.value = null
    bytesPerSecond.value = null
  }

  return {
    overview,
    totalBytes,
    totalMessages,
    messagesPerSecond,
    bytesPerSecond,
    laggingGroups,
    groupsError,
    loading: state.loading,
    error: state.error,
    refresh,
    sample,
    reset,
  }
})
