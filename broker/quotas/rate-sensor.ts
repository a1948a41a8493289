// A rate measured over a sliding window of samples, the way Kafka's quota sensors measure it (a Rate over
// a SampledStat): `samples` buckets of `windowMs` each; a bucket starts when the first value arrives after
// the previous one filled, and buckets older than the whole window are dropped. While fewer than
// samples - 1 full buckets have elapsed, the window is padded to that length, so a new client is not
// judged on its first few milliseconds.

export interface WindowConfig {
  /** Number of samples kept (Kafka's quota.window.num, 11). */
  samples: number
  /** Length of one sample in ms (Kafka's quota.window.size.seconds, 1 s). */
  windowMs: number
}

export class RateSensor {
  readonly #cfg: WindowConfig
  readonly #starts: number[] = []
  readonly #values: number[] = []
  #current = 0
  /** When a value was last recorded (idle sensors can be dropped). */
  lastRecordMs = 0

  constructor(cfg: WindowConfig) {
    this.#cfg = cfg
  }

  record(value: number, nowMs: number): void {
    this.lastRecordMs = nowMs
    if (this.#starts.length === 0) {
      this.#starts.push(nowMs)
      this.#values.push(value)
      return
    }
    if (nowMs >= (this.#starts[this.#current] as number) + this.#cfg.windowMs) {
      // The current sample is full: move to the next slot, reusing the oldest once all exist.
      this.#current = (this.#current + 1) % this.#cfg.samples
      if (this.#current >= this.#starts.length) {
        this.#starts.push(nowMs)
        this.#values.push(0)
      } else {
        this.#starts[this.#current] = nowMs
        this.#values[this.#current] = 0
      }
    }
    this.#values[this.#current] = (this.#values[this.#current] as number) + value
  }

  /** Drops samples that ended before the whole window (they count as empty, starting now). */
  #purge(nowMs: number): void {
    const expireBefore = nowMs - this.#cfg.samples * this.#cfg.windowMs
    for (let i = 0; i < this.#starts.length; i++) {
      if ((this.#starts[i] as number) < expireBefore) {
        this.#starts[i] = nowMs
        this.#values[i] = 0
      }
    }
  }

  /** The span the rate is taken over, in ms, padded to samples - 1 full windows. */
  windowSizeMs(nowMs: number): number {
    this.#purge(nowMs)
    let oldest = nowMs
    for (const s of this.#starts) if (s < oldest) oldest = s
    let elapsed = nowMs - oldest
    const full = Math.floor(elapsed / this.#cfg.windowMs)
    const minFull = this.#cfg.samples - 1
    if (full < minFull) elapsed += (minFull - full) * this.#cfg.windowMs
    return elapsed
  }

  /** Total of the retained samples. */
  total(nowMs: number): number {
    this.#purge(nowMs)
    let sum = 0
    for (const v of this.#values) sum += v
    return sum
  }

  /** Units per second over the window. */
  rate(nowMs: number): number {
    const size = this.windowSizeMs(nowMs)
    return size <= 0 ? 0 : this.total(nowMs) / (size / 1000)
  }

  /**
   * How long the client must wait for the rate to fall back to `quota` (0 when it is within it), as
   * Kafka computes it: (rate - quota) / quota × window size, capped at `maxMs`.
   */
  throttleMs(quota: number, nowMs: number, maxMs: number): number {
    const size = this.windowSizeMs(nowMs)
    const observed = size <= 0 ? 0 : this.total(nowMs) / (size / 1000)
    if (observed <= quota) return 0
    return Math.min(maxMs, Math.round(((observed - quota) / quota) * size))
  }
}
