// Time for the group coordinator: injected so unit tests drive session and rebalance timeouts with a fake
// clock instead of sleeping.

export interface Timer {
  cancel(): void
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number
  /** Runs `fn` once after `ms` milliseconds unless cancelled first. */
  schedule(ms: number, fn: () => void): Timer
}

export const systemClock: Clock = {
  now: () => Date.now(),
  schedule(ms, fn) {
    const t = setTimeout(fn, ms)
    // Group timers must never keep a stopping broker process alive.
    t.unref()
    return { cancel: () => clearTimeout(t) }
  },
}
