// The bundled broker's disk: segment files per partition, their indexes, and batch dumps with CRC status.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { call } from './backend.ts'
import { tracked } from './async-state.ts'
import type { SegmentBatch, SegmentIndexPage, SegmentInfo } from '../lib/model.ts'

type IndexEntry = SegmentIndexPage['entries'][number]

export const useSegmentsStore = defineStore('segments', () => {
  const topic = ref<string | null>(null)
  const partition = ref(0)
  const segments = ref<SegmentInfo[]>([])
  const selectedBase = ref<string | null>(null)
  const batches = ref<SegmentBatch[]>([])
  const batchNext = ref<number | null>(null)
  const batchProblem = ref<string | null>(null)
  const offsetIndex = ref<IndexEntry[]>([])
  const offsetNext = ref<number | null>(null)
  const timeIndex = ref<IndexEntry[]>([])
  const timeNext = ref<number | null>(null)
  const list = tracked()
  const inspect = tracked()

  function clearInspection(): void {
    batches.value = []
    batchNext.value = null
    batchProblem.value = null
    offsetIndex.value = []
    offsetNext.value = null
    timeIndex.value = []
    timeNext.value = null
  }

  async function load(name: string, part: number): Promise<void> {
    if (topic.value !== name || partition.value !== part) {
      segments.value = []
      selectedBase.value = null
      clearInspection()
    }
    topic.value = name
    partition.value = part
    const result = await list.run(() => call('segments/list', { topic: name, partition: part }))
    if (result) segments.value = result
  }

  function where(baseOffset: string) {
    return { topic: topic.value ?? '', partition: partition.value, baseOffset }
  }

  async function open(baseOffset: string): Promise<void> {
    if (!topic.value) return
    selectedBase.value = baseOffset
    clearInspection()
    const spec = where(baseOffset)
    const result = await inspect.run(() =>
      Promise.all([
        call('segments/batches', { ...spec, position: 0, limit: 200 }),
        call('segments/index', { ...spec, kind: 'offset', from: 0, limit: 500 }),
        call('segments/index', { ...spec, kind: 'time', from: 0, limit: 500 }),
      ]),
    )
    if (!result || selectedBase.value !== baseOffset) return
    const [b, o, t] = result
    batches.value = b.batches
    batchNext.value = b.nextPosition
    batchProblem.value = b.problem
    offsetIndex.value = o.entries
    offsetNext.value = o.next
    timeIndex.value = t.entries
    timeNext.value = t.next
  }

  async function moreBatches(): Promise<void> {
    const base = selectedBase.value
    const position = batchNext.value
    if (base === null || position === null) return
    const page = await inspect.run(() => call('segments/batches', { ...where(base), position, limit: 500 }))
    if (!page || selectedBase.value !== base) return
    batches.value = batches.value.concat(page.batches)
    batchNext.value = page.nextPosition
    batchProblem.value = page.problem
  }

  async function moreIndex(kind: 'offset' | 'time'): Promise<void> {
    const base = selectedBase.value
    const from = kind === 'offset' ? offsetNext.value : timeNext.value
    if (base === null || from === null) return
    const page = await inspect.run(() => call('segments/index', { ...where(base), kind, from, limit: 1000 }))
    if (!page || selectedBase.value !== base) return
    if (kind === 'offset') {
      offsetIndex.value = offsetIndex.value.concat(page.entries)
      offsetNext.value = page.next
    } else {
      timeIndex.value = timeIndex.value.concat(page.entries)
      timeNext.value = page.next
    }
  }

  return {
    topic,
    partition,
    segments,
    selectedBase,
    batches,
    batchNext,
    batchProblem,
    offsetIndex,
    offsetNext,
    timeIndex,
    timeNext,
    loading: list.loading,
    error: list.error,
    inspecting: inspect.loading,
    inspectError: inspect.error,
    load,
    open,
    moreBatches,
    moreIndex,
  }
})
