// Consumer groups: list with lag, one group's detail, lag history while open, offset reset and delete.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { call } from './backend.ts'
import { activeCluster } from './connections.ts'
import { tracked } from './async-state.ts'
import { pushBounded } from '../lib/rate.ts'
import type { GroupDetail, GroupSummary, OffsetChange, ResetSpec } from '../lib/model.ts'

export interface GroupRow extends GroupSummary {
  lag: number | null
  members: number | null
}

const HISTORY = 120

export const useGroupsStore = defineStore('groups', () => {
  const groups = ref<GroupRow[]>([])
  const detail = ref<GroupDetail | null>(null)
  const lagHistory = ref<{ at: number; value: number }[]>([])
  const partitionLagHistory = ref<Record<string, { at: number; value: number }[]>>({})
  const preview = ref<OffsetChange[] | null>(null)
  const list = tracked()
  const one = tracked()
  const reset = tracked()

  const byLag = computed(() => groups.value.slice().sort((a, b) => (b.lag ?? -1) - (a.lag ?? -1)))

  async function load(): Promise<void> {
    const summaries = await list.run(() => call('groups/list', { cluster: activeCluster() }))
    if (!summaries) return
    groups.value = summaries.map((g) => ({ ...g, lag: null, members: null }))
    const details = await Promise.allSettled(
      summaries.map((g) => call('groups/describe', { cluster: activeCluster(), groupId: g.groupId })),
    )
    groups.value = summaries.map((g, i) => {
      const d = details[i]
      return d?.status === 'fulfilled'
        ? { ...g, state: d.value.state, lag: Number(d.value.totalLag), members: d.value.members.length }
        : { ...g, lag: null, members: null }
    })
  }

  async function loadDetail(groupId: string): Promise<void> {
    if (detail.value?.groupId !== groupId) {
      detail.value = null
      lagHistory.value = []
      partitionLagHistory.value = {}
    }
    const d = await one.run(() => call('groups/describe', { cluster: activeCluster(), groupId }))
    if (!d) return
    detail.value = d
    const at = Date.now()
    lagHistory.value = pushBounded(lagHistory.value, { at, value: Number(d.totalLag) }, HISTORY)
    const per: Record<string, { at: number; value: number }[]> = {}
    for (const o of d.offsets) {
      const key = `${o.topic}:${o.partition}`
      per[key] = pushBounded(partitionLagHistory.value[key] ?? [], { at, value: Number(o.lag) }, HISTORY)
    }
    partitionLagHistory.value = per
  }

  async function previewReset(spec: ResetSpec): Promise<void> {
    preview.value = null
    const changes = await reset.run(() =>
      call('groups/resetOffsets.preview', { cluster: activeCluster(), ...spec }),
    )
    if (changes) preview.value = changes
  }

  async function applyReset(spec: ResetSpec): Promise<boolean> {
    const ok = await reset.run(async () => {
      await call('groups/resetOffsets.apply', { cluster: activeCluster(), ...spec })
      return true
    })
    if (ok) {
      preview.value = null
      await loadDetail(spec.groupId)
    }
    return ok === true
  }

  async function remove(groupId: string): Promise<boolean> {
    const ok = await one.run(async () => {
      await call('groups/delete', { cluster: activeCluster(), groupId })
      return true
    })
    if (ok) groups.value = groups.value.filter((g) => g.groupId !== groupId)
    return ok === true
  }

  return {
    groups,
    byLag,
    detail,
    lagHistory,
    partitionLagHistory,
    preview,
    loading: list.loading,
    error: list.error,
    detailLoading: one.loading,
    detailError: one.error,
    resetting: reset.loading,
    resetError: reset.error,
    load,
    loadDetail,
    previewReset,
    applyReset,
    remove,
    clearPreview: () => {
      preview.value = null
      reset.error.value = null
    },
  }
})
