// Forwards the supervisor's state changes and log lines to the renderer. Log lines are batched (one
// event per interval, at most `maxLines` lines, the rest counted as skipped in a supervisor line) so a
// chatty broker cannot flood the window.
import type { Events } from '../contract.ts'
import type { BrokerSupervisor } from '../supervisor/broker-supervisor.ts'
import type { LogLine } from '../supervisor/types.ts'

export function forwardBrokerEvents(
  supervisor: BrokerSupervisor,
  emit: <E extends keyof Events>(event: E, payload: Events[E]) => void,
  options: { intervalMs?: number; maxLines?: number } = {},
): () => void {
  const intervalMs = options.intervalMs ?? 100
  const maxLines = options.maxLines ?? 500
  let pending: LogLine[] = []
  let skipped = 0
  let timer: ReturnType<typeof setTimeout> | null = null

  const flush = (): void => {
    timer = null
    if (pending.length === 0) return
    const lines = pending
    if (skipped > 0) {
      const last = lines.at(-1)!
      lines.push({
        seq: last.seq,
        time: last.time,
        stream: 'supervisor',
        text: `(${skipped} log lines skipped)`,
      })
    }
    pending = []
    skipped = 0
    emit('broker/log', lines)
  }

  const offStatus = supervisor.onStatus((status) => emit('broker/status', status))
  const offLog = supervisor.onLog((line) => {
    pending.push(line)
    if (pending.length > maxLines) {
      pending.shift()
      skipped++
    }
    timer ??= setTimeout(flush, intervalMs)
  })
  return () => {
    offStatus()
    offLog()
    if (timer) clearTimeout(timer)
    flush()
  }
}
