// A one-line progress indicator on stderr for long operations, shown only when stderr is a terminal (never
// in pipes, files or tests), redrawn at most every 100 ms and erased when done.

const REDRAW_MS = 100

export class Progress {
  readonly #label: string
  readonly #total: number | null
  readonly #unit: string
  readonly #enabled: boolean
  readonly #stream: NodeJS.WriteStream
  #lastDraw = 0
  #drawn = false

  constructor(
    label: string,
    options: { total?: number | null; unit?: string; stream?: NodeJS.WriteStream } = {},
  ) {
    this.#label = label
    this.#total = options.total ?? null
    this.#unit = options.unit ?? ''
    this.#stream = options.stream ?? process.stderr
    this.#enabled = this.#stream.isTTY === true
  }

  /** Reports `done` units so far; cheap to call per record. */
  update(done: number): void {
    if (!this.#enabled) return
    const now = Date.now()
    if (now - this.#lastDraw < REDRAW_MS) return
    this.#lastDraw = now
    const unit = this.#unit ? ` ${this.#unit}` : ''
    const total = this.#total
    const text =
      total !== null && total > 0
        ? `${this.#label}: ${Math.min(100, Math.floor((done / total) * 100))}% (${done}/${total}${unit})`
        : `${this.#label}: ${done}${unit}`
    this.#stream.write(`\r\x1b[2K${text}`)
    this.#drawn = true
  }

  /** Erases the line so what follows starts clean. */
  done(): void {
    if (this.#drawn) this.#stream.write('\r\x1b[2K')
    this.#drawn = false
  }
}
