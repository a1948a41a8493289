// Running live tails by id, so the renderer can stop them and the app can stop all of them on quit or
// when a web client disconnects.
import { randomUUID } from 'node:crypto'
import type { Tail } from '../../broker/client/tail.ts'

export class TailRegistry {
  readonly #tails = new Map<string, Tail>()

  newId(): string {
    return randomUUID()
  }

  add(id: string, tail: Tail): void {
    this.#tails.set(id, tail)
  }

  async stop(id: string): Promise<boolean> {
    const tail = this.#tails.get(id)
    if (!tail) return false
    this.#tails.delete(id)
    await tail.stop()
    return true
  }

  async stopAll(): Promise<void> {
    const all = [...this.#tails.keys()]
    await Promise.allSettled(all.map((id) => this.stop(id)))
  }
}
