// Long polling for Fetch: a fetch that found fewer than min.bytes parks here until one of its partitions
// is appended to or its max.wait.ms runs out. Appends call notify(); there is no polling loop.

export class FetchWaiters {
  private readonly waiting = new Map<string, Set<(woken: boolean) => void>>()
  private closed = false

  /**
   * Resolves true when any of `keys` is notified, false when `timeoutMs` passes or `signal` aborts first.
   */
  wait(keys: readonly string[], timeoutMs: number, signal?: AbortSignal): Promise<boolean> {
    if (this.closed) return Promise.resolve(false)
    return new Promise((resolve) => {
      let done = false
      const finish = (woken: boolean): void => {
        if (done) return
        done = true
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        for (const key of keys) {
          const set = this.waiting.get(key)
          if (set === undefined) continue
          set.delete(wake)
          if (set.size === 0) this.waiting.delete(key)
        }
        resolve(woken)
      }
      const wake = (woken: boolean): void => finish(woken)
      const onAbort = (): void => finish(false)
      // Unref'd: a parked fetch must not keep a stopping broker process alive.
      const timer = setTimeout(() => finish(false), Math.max(0, timeoutMs)).unref()
      signal?.addEventListener('abort', onAbort)
      for (const key of keys) {
        let set = this.waiting.get(key)
        if (set === undefined) {
          set = new Set()
          this.waiting.set(key, set)
        }
        set.add(wake)
      }
    })
  }

  /** Wakes every fetch waiting on `key`. */
  notify(key: string): void {
    const set = this.waiting.get(key)
    if (set === undefined) return
    for (const wake of [...set]) wake(true)
  }

  /** Shutdown: every parked fetch answers now with what it has, and no new one parks. */
  close(): void {
    this.closed = true
    for (const set of [...this.waiting.values()]) for (const wake of [...set]) wake(false)
  }

  /** Number of parked waits on `key` (for tests and metrics). */
  waiters(key: string): number {
    return this.waiting.get(key)?.size ?? 0
  }
}
