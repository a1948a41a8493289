// Topics: the list (kept sorted and filtered once per change, not per render) and create/delete/grow.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { call } from './backend.ts'
import { activeCluster } from './connections.ts'
import { tracked } from './async-state.ts'
import { makeMatcher, sortBy, toggleSort, type SortState } from '../lib/sort.ts'
import type { CreateTopicSpec, TopicSummary } from '../lib/model.ts'

export type TopicSortKey = 'name' | 'partitions' | 'replicationFactor' | 'messageCount' | 'sizeBytes'

function sortValue(t: TopicSummary, key: TopicSortKey): unknown {
  if (key === 'messageCount') return Number(t.messageCount)
  if (key === 'sizeBytes') return t.sizeBytes === null ? null : Number(t.sizeBytes)
  return t[key]
}

export const useTopicsStore = defineStore('topics', () => {
  // Replaced whole on each load, never edited in place: no deep reactivity over thousands of rows.
  const topics = shallowRef<TopicSummary[]>([])
  const filter = ref('')
  const showInternal = ref(false)
  const sort = ref<SortState<TopicSortKey>>({ key: 'name', dir: 'asc' })
  const loaded = ref(false)
  const lastLoadMs = ref<number | null>(null)
  const list = tracked()
  const mutation = tracked()

  const visible = computed(() => {
    const match = makeMatcher(filter.value)
    const rows = topics.value.filter((t) => (showInternal.value || !t.internal) && match(t.name))
    return sortBy(rows, sort.value, sortValue)
  })
  const names = computed(() => topics.value.map((t) => t.name))

  async function load(): Promise<void> {
    const began = performance.now()
    const result = await list.run(() =>
      call('topics/list', { cluster: activeCluster(), includeInternal: true }),
    )
    if (result) {
      lastLoadMs.value = performance.now() - began
      topics.value = result
      loaded.value = true
    }
  }

  function setSort(key: string): void {
    sort.value = toggleSort(sort.value, key as TopicSortKey)
  }

  async function create(spec: CreateTopicSpec): Promise<boolean> {
    const ok = await mutation.run(async () => {
      await call('topics/create', { cluster: activeCluster(), ...spec })
      return true
    })
    if (ok) await load()
    return ok === true
  }

  async function remove(name: string): Promise<boolean> {
    const ok = await mutation.run(async () => {
      await call('topics/delete', { cluster: activeCluster(), names: [name] })
      return true
    })
    if (ok) topics.value = topics.value.filter((t) => t.name !== name)
    return ok === true
  }

  async function addPartitions(name: string, count: number): Promise<boolean> {
    const ok = await mutation.run(async () => {
      await call('topics/addPartitions', { cluster: activeCluster(), topic: name, totalPartitions: count })
      return true
    })
    if (ok) await load()
    return ok === true
  }

  return {
    topics,
    filter,
    showInternal,
    sort,
    loaded,
    lastLoadMs,
    visible,
    names,
    loading: list.loading,
    error: list.error,
    mutating: mutation.loading,
    mutationError: mutation.error,
    load,
    setSort,
    create,
    remove,
    addPartitions,
    clearMutationError: () => (mutation.error.value = null),
  }
})
