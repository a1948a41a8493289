// The last N log lines of the broker, so a window opened late (or reloaded) still sees what happened.

export interface LogLine {
  /** Increases by one per line over the supervisor's life; lets a reader ask for "lines after seq". */
  seq: number
  /** Milliseconds since the epoch when the line arrived. */
  time: number
  stream: 'stdout' | 'stderr' | 'supervisor'
  text: string
}

export class LogRing {
  readonly #capacity: number
  readonly #lines: LogLine[] = []
  #start = 0
  #nextSeq = 1

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('log ring capacity must be >= 1')
    this.#capacity = capacity
  }

  push(stream: LogLine['stream'], text: string, time: number): LogLine {
    const line: LogLine = { seq: this.#nextSeq++, time, stream, text }
    if (this.#lines.length < this.#capacity) this.#lines.push(line)
    else {
      this.#lines[this.#start] = line
      this.#start = (this.#start + 1) % this.#capacity
    }
    return line
  }

  /** Lines in arrival order, only those with seq > afterSeq, at most `limit` of the newest. */
  lines(afterSeq = 0, limit = this.#capacity): LogLine[] {
    const ordered = [...this.#lines.slice(this.#start), ...this.#lines.slice(0, this.#start)]
    const after = ordered.filter((l) => l.seq > afterSeq)
    return after.slice(Math.max(0, after.length - limit))
  }

  get size(): number {
    return this.#lines.length
  }
}
