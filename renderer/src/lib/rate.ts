// Rates sampled from monotonically growing counters (sum of high watermarks, bytes on disk).
export interface CounterSample {
  at: number
  value: number
}

/** Keeps the last few samples of a counter and reports its rate per second over that window. */
export class RateWindow {
  private readonly samples: CounterSample[] = []
  private readonly size: number

  constructor(size = 5) {
    this.size = size
  }

  add(sample: CounterSample): void {
    const last = this.samples.at(-1)
    // A counter that went down (topic deleted, log truncated) restarts the window.
    if (last && (sample.value < last.value || sample.at <= last.at)) this.samples.length = 0
    this.samples.push(sample)
    if (this.samples.length > this.size) this.samples.shift()
  }

  perSecond(): number | null {
    const first = this.samples[0]
    const last = this.samples.at(-1)
    if (!first || !last || last.at <= first.at) return null
    return ((last.value - first.value) * 1000) / (last.at - first.at)
  }

  clear(): void {
    this.samples.length = 0
  }
}

/** A bounded series for charts (lag over time). */
export function pushBounded<T>(series: T[], item: T, max: number): T[] {
  const next = series.length >= max ? series.slice(series.length - max + 1) : series.slice()
  next.push(item)
  return next
}
