// The token bucket of KIP-599 (controller_mutation_rate): it holds up to quota × samples × window seconds
// tokens, refills at `quota` per second, and every partition created or deleted takes one. A mutation is
// admitted while the bucket is not in debt, and may drive it below zero; the client then waits until the
// debt is paid back: -tokens / quota seconds.
import type { WindowConfig } from './rate-sensor.ts'

export class TokenBucket {
  readonly #cfg: WindowConfig
  #tokens: number | null = null
  #lastMs = 0
  /** When tokens were last taken (idle buckets can be dropped). */
  lastRecordMs = 0

  constructor(cfg: WindowConfig) {
    this.#cfg = cfg
  }

  #refill(quota: number, nowMs: number): number {
    const burst = quota * this.#cfg.samples * (this.#cfg.windowMs / 1000)
    // A new bucket starts full; a changed quota keeps the tokens, within the new burst.
    const t =
      this.#tokens === null
        ? burst
        : Math.min(burst, this.#tokens + (quota * Math.max(0, nowMs - this.#lastMs)) / 1000)
    this.#tokens = t
    this.#lastMs = nowMs
    return t
  }

  /** Remaining tokens (negative while in debt). */
  tokens(quota: number, nowMs: number): number {
    return this.#refill(quota, nowMs)
  }

  record(value: number, quota: number, nowMs: number): void {
    this.lastRecordMs = nowMs
    this.#tokens = this.#refill(quota, nowMs) - value
  }

  /** Ms until the bucket is out of debt (0 when it is not in debt). */
  throttleMs(quota: number, nowMs: number): number {
    const t = this.#refill(quota, nowMs)
    return t >= 0 ? 0 : Math.round((-t / quota) * 1000)
  }
}
