// The message browser: pages from a start point in either direction, a live tail, search and selection.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import { backend, call } from './backend.ts'
import { activeCluster } from './connections.ts'
import { tracked } from './async-state.ts'
import { RateWindow } from '../lib/rate.ts'
import { makeMatcher } from '../lib/sort.ts'
import { base64ToBytes, bytesToText } from '../lib/payload.ts'
import type {
  DecodedPayload,
  Events,
  MessagePage,
  MessageView,
  ProduceSpec,
  ReadStart,
  TailUpdate,
} from '../lib/model.ts'

export interface MessageRow {
  id: string
  partition: number
  offset: string
  timestamp: number
  key: string | null
  keyBytes: Uint8Array | null
  value: string | null
  valueBytes: Uint8Array | null
  headers: { key: string; value: string | null }[]
  sizeBytes: number
  truncated: boolean
}

export type StartKind = 'beginning' | 'end' | 'offset' | 'timestamp'
type Cursor = MessagePage['next']

const MAX_PAYLOAD = 256 * 1024
const MAX_TAIL_ROWS = 5000

function decode(p: DecodedPayload | null): { text: string | null; bytes: Uint8Array | null } {
  if (!p) return { text: null, bytes: null }
  if (p.format !== 'base64' || p.error) return { text: p.text, bytes: null }
  const bytes = base64ToBytes(p.text)
  return { text: bytesToText(bytes), bytes }
}

export function toRow(m: MessageView): MessageRow {
  const key = decode(m.key)
  const value = decode(m.value)
  return {
    id: `${m.partition}:${m.offset}`,
    partition: m.partition,
    offset: m.offset,
    timestamp: m.timestamp,
    key: key.text,
    keyBytes: key.bytes,
    value: value.text,
    valueBytes: value.bytes,
    headers: m.headers.map((h) => ({ key: h.key, value: decode(h.value).text })),
    sizeBytes: m.sizeBytes,
    truncated: Boolean(m.key?.truncated || m.value?.truncated),
  }
}

function byPosition(a: MessageRow, b: MessageRow): number {
  return a.timestamp - b.timestamp || a.partition - b.partition || Number(BigInt(a.offset) - BigInt(b.offset))
}

export const useMessagesStore = defineStore('messages', () => {
  const topic = ref<string | null>(null)
  const partition = ref<number | null>(null)
  const startKind = ref<StartKind>('end')
  const startOffset = ref('0')
  const startTime = ref('')
  const pageSize = ref(100)
  const rows = shallowRef<MessageRow[]>([])
  const search = ref('')
  const selected = ref<Set<string>>(new Set())
  const done = ref(false)
  const tailing = ref(false)
  const paused = ref(false)
  const buffered = ref(0)
  const tailRate = ref<number | null>(null)
  const tailDropped = ref(0)
  const tailLag = ref('0')
  const lastLoadMs = ref<number | null>(null)
  const state = tracked()
  const produceState = tracked()

  let history: ReadStart[] = []
  let current: ReadStart | null = null
  let next: Cursor = []
  let stopTail: (() => void) | null = null
  let pending: MessageRow[] = []
  let received = 0
  const rate = new RateWindow(6)

  const direction = computed<'forward' | 'backward'>(() =>
    startKind.value === 'end' ? 'backward' : 'forward',
  )
  const filtered = computed(() => {
    const m = makeMatcher(search.value)
    if (!search.value.trim()) return rows.value
    return rows.value.filter((r) =>
      m(
        `${r.key ?? ''}\u0000${r.value ?? ''}\u0000${r.headers.map((h) => `${h.key}=${h.value ?? ''}`).join('\u0000')}`,
      ),
    )
  })
  const selectedRows = computed(() => rows.value.filter((r) => selected.value.has(r.id)))
  const canNewer = computed(
    () => (direction.value === 'forward' ? !done.value : history.length > 0) && !tailing.value,
  )
  const canOlder = computed(
    () => (direction.value === 'forward' ? history.length > 0 : !done.value) && !tailing.value,
  )

  /** The chosen start, or null (with the reason shown) when the offset or time is not valid. */
  function firstStart(): ReadStart | null {
    if (startKind.value === 'offset') {
      const offset = startOffset.value.trim() || '0'
      if (/^\d{1,19}$/.test(offset)) return { kind: 'offset', offset }
      state.error.value = new Error('The start offset must be a whole number of 0 or more.')
      return null
    }
    if (startKind.value === 'timestamp') {
      const timestamp = new Date(startTime.value).getTime()
      if (Number.isFinite(timestamp) && timestamp >= 0) return { kind: 'timestamp', timestamp }
      state.error.value = new Error('Pick a date and time to start from.')
      return null
    }
    return { kind: startKind.value }
  }

  async function read(from: ReadStart): Promise<boolean> {
    const t = topic.value
    if (!t) return false
    const began = performance.now()
    const page = await state.run(() =>
      call('messages/read', {
        cluster: activeCluster(),
        topic: t,
        partition: partition.value,
        from,
        direction: direction.value,
        limit: pageSize.value,
        keyFormat: 'base64',
        valueFormat: 'base64',
        maxPayloadBytes: MAX_PAYLOAD,
      }),
    )
    if (!page) return false
    const sorted = page.messages.map(toRow).sort(byPosition)
    rows.value = direction.value === 'backward' ? sorted.reverse() : sorted
    current = from
    next = page.next
    done.value = page.done
    selected.value = new Set()
    lastLoadMs.value = performance.now() - began
    return true
  }

  async function open(name: string, part: number | null): Promise<void> {
    if (topic.value !== name) stop()
    topic.value = name
    partition.value = part
    history = []
    const start = firstStart()
    if (start) await read(start)
  }

  async function reload(): Promise<void> {
    history = []
    const start = firstStart()
    if (start) await read(start)
  }

  /** Next page in the reading direction; the previous one comes back from history. */
  async function forwardInDirection(): Promise<void> {
    if (done.value || !current) return
    const prev = current
    if (await read({ kind: 'cursor', offsets: next })) history.push(prev)
  }

  async function backInDirection(): Promise<void> {
    const prev = history.pop()
    if (prev) await read(prev)
  }

  const newer = () => (direction.value === 'forward' ? forwardInDirection() : backInDirection())
  const older = () => (direction.value === 'forward' ? backInDirection() : forwardInDirection())

  function flush(): void {
    if (pending.length === 0) return
    const merged = pending.concat(rows.value)
    rows.value = merged.length > MAX_TAIL_ROWS ? merged.slice(0, MAX_TAIL_ROWS) : merged
    pending = []
    buffered.value = 0
  }

  async function startTail(): Promise<void> {
    const t = topic.value
    if (!t || tailing.value) return
    tailing.value = true
    paused.value = false
    rows.value = []
    received = 0
    rate.clear()
    rate.add({ at: Date.now(), value: 0 })
    const onUpdate = (update: TailUpdate): void => {
      received += update.messages.length
      rate.add({ at: Date.now(), value: received })
      tailRate.value = rate.perSecond()
      tailDropped.value = update.dropped
      tailLag.value = update.lag
      pending = update.messages.map(toRow).sort(byPosition).reverse().concat(pending)
      buffered.value = pending.length
      if (!paused.value) flush()
      if (update.error) {
        flush()
        stop()
        state.error.value = new Error(`Live tail stopped: ${update.error}`)
      }
    }
    // Updates can arrive before tailStart answers: keep them until the tail's id is known.
    let tailId: string | null = null
    const early: Events['messages/tail'][] = []
    const off = backend().on('messages/tail', (event) => {
      if (tailId === null) early.push(event)
      else if (event.tailId === tailId) onUpdate(event.update)
    })
    const started = await state.run(() =>
      call('messages/tailStart', {
        cluster: activeCluster(),
        topic: t,
        partitions: partition.value === null ? null : [partition.value],
        keyFormat: 'base64',
        valueFormat: 'base64',
        maxPayloadBytes: 64 * 1024,
        maxPerUpdate: 500,
        intervalMs: 250,
      }),
    )
    if (!started || !tailing.value) {
      off()
      if (started) void call('messages/tailStop', { tailId: started.tailId }).catch(() => undefined)
      tailing.value = false
      return
    }
    tailId = started.tailId
    for (const e of early) if (e.tailId === tailId) onUpdate(e.update)
    // Updates come only with messages: sample the count each second so a quiet topic shows its rate falling.
    const ticker = setInterval(() => {
      rate.add({ at: Date.now(), value: received })
      tailRate.value = rate.perSecond()
    }, 1000)
    stopTail = () => {
      clearInterval(ticker)
      off()
      void call('messages/tailStop', { tailId: started.tailId }).catch(() => undefined)
    }
  }

  function stop(): void {
    stopTail?.()
    stopTail = null
    tailing.value = false
    paused.value = false
    pending = []
    buffered.value = 0
  }

  function togglePause(): void {
    paused.value = !paused.value
    if (!paused.value) flush()
  }

  function toggleSelected(id: string, only: boolean): void {
    const next = only ? new Set<string>() : new Set(selected.value)
    if (selected.value.has(id) && !only) next.delete(id)
    else next.add(id)
    selected.value = next
  }

  async function produce(spec: ProduceSpec): Promise<string | null> {
    const result = await produceState.run(() =>
      call('messages/produce', { cluster: activeCluster(), ...spec }),
    )
    return result ? `Written to partition ${result.partition} at offset ${result.offset}.` : null
  }

  return {
    topic,
    partition,
    startKind,
    startOffset,
    startTime,
    pageSize,
    rows,
    search,
    selected,
    done,
    direction,
    filtered,
    selectedRows,
    canNewer,
    canOlder,
    tailing,
    paused,
    buffered,
    tailRate,
    tailDropped,
    tailLag,
    lastLoadMs,
    loading: state.loading,
    error: state.error,
    producing: produceState.loading,
    produceError: produceState.error,
    open,
    reload,
    newer,
    older,
    startTail,
    stop,
    togglePause,
    toggleSelected,
    selectAll: () => (selected.value = new Set(filtered.value.map((r) => r.id))),
    clearSelection: () => (selected.value = new Set()),
    produce,
    clearProduceError: () => (produceState.error.value = null),
  }
})
