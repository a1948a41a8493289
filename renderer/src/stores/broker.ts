// The bundled broker's supervisor: state, log (pushed as events), start/stop/restart.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { backend, call } from './backend.ts'
import { tracked } from './async-state.ts'
import type { BrokerStatus, LogLine } from '../lib/model.ts'

const MAX_LOG = 2000

export const useBrokerStore = defineStore('broker', () => {
  const status = ref<BrokerStatus | null>(null)
  const log = ref<LogLine[]>([])
  const action = ref<'start' | 'stop' | 'restart' | null>(null)
  const state = tracked()
  let unsubscribe: (() => void)[] = []

  function append(lines: readonly LogLine[]): void {
    const last = log.value.at(-1)?.seq ?? -1
    const fresh = lines.filter((l) => l.seq > last)
    if (fresh.length === 0) return
    const merged = log.value.concat(fresh)
    log.value = merged.length > MAX_LOG ? merged.slice(merged.length - MAX_LOG) : merged
  }

  async function refresh(): Promise<void> {
    await state.run(async () => {
      const afterSeq = log.value.at(-1)?.seq
      const [s, l] = await Promise.all([
        call('broker/status', {}),
        call('broker/logs', afterSeq === undefined ? { limit: 500 } : { afterSeq, limit: 500 }),
      ])
      status.value = s
      append(l)
    })
  }

  /** Follows status and log events while a view shows them. */
  function watchLive(): () => void {
    const b = backend()
    unsubscribe = [
      b.on('broker/status', (s) => (status.value = s)),
      b.on('broker/log', (lines) => append(lines)),
    ]
    return () => {
      for (const off of unsubscribe) off()
      unsubscribe = []
    }
  }

  async function perform(kind: 'start' | 'stop' | 'restart'): Promise<void> {
    action.value = kind
    try {
      const s = await state.run(() => call(`broker/${kind}`, {}))
      if (s) status.value = s
    } finally {
      action.value = null
    }
  }

  return {
    status,
    log,
    action,
    loading: state.loading,
    error: state.error,
    refresh,
    watchLive,
    start: () => perform('start'),
    stop: () => perform('stop'),
    restart: () => perform('restart'),
  }
})
