// Test doubles for the group coordinator: a clock that only moves when told to, and a GroupLog that
// keeps records in memory (and can be told to fail).
import type { Clock, Timer } from '../../broker/groups/clock.ts'
import {
  GroupLogError,
  type CoordinatorRecord,
  type GroupLog,
} from '../../broker/groups/coordinator-records.ts'

export class FakeClock implements Clock {
  #now: number
  #seq = 0
  #timers: { at: number; seq: number; fn: () => void; live: boolean }[] = []

  constructor(start = 1_700_000_000_000) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  schedule(ms: number, fn: () => void): Timer {
    const t = { at: this.#now + ms, seq: this.#seq++, fn, live: true }
    this.#timers.push(t)
    return { cancel: () => (t.live = false) }
  }

  /** Moves time forward, firing due timers in order (timers they schedule fire too if due). */
  advance(ms: number): void {
    const end = this.#now + ms
    for (;;) {
      const due = this.#timers
        .filter((t) => t.live && t.at <= end)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0]
      if (!due) break
      due.live = false
      this.#now = Math.max(this.#now, due.at)
      due.fn()
    }
    this.#now = end
    this.#timers = this.#timers.filter((t) => t.live)
  }
}

export class MemoryGroupLog implements GroupLog {
  readonly records: CoordinatorRecord[] = []
  failWith: number | null = null

  async append(_groupId: string, records: CoordinatorRecord[]): Promise<void> {
    if (this.failWith !== null) throw new GroupLogError(this.failWith, 'injected failure')
    this.records.push(...records)
  }
}

/** Lets pending promise callbacks (log appends) run. */
export async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await Promise.resolve()
}
