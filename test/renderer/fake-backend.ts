// A scripted back end for store and component tests: answers per operation, records calls, emits events.
import type { Backend } from '../../renderer/src/stores/backend.ts'
import type { EventName, Events, OpName } from '../../renderer/src/lib/model.ts'

type Handler = (args: Record<string, unknown>) => unknown

export class FakeBackend implements Backend {
  readonly calls: { name: OpName; args: Record<string, unknown> }[] = []
  private readonly handlers = new Map<string, Handler>()
  private readonly listeners = new Map<string, Set<(payload: unknown) => void>>()

  answer(name: OpName, handler: Handler | unknown): this {
    this.handlers.set(name, typeof handler === 'function' ? (handler as Handler) : () => handler)
    return this
  }

  async call<N extends OpName>(name: N, args: unknown): Promise<never> {
    const a = args as Record<string, unknown>
    this.calls.push({ name, args: a })
    const h = this.handlers.get(name)
    if (!h) throw new Error(`no fake answer for ${name}`)
    return (await h(a)) as never
  }

  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
    const set = this.listeners.get(event) ?? new Set()
    set.add(listener as (payload: unknown) => void)
    this.listeners.set(event, set)
    return () => set.delete(listener as (payload: unknown) => void)
  }

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const l of this.listeners.get(event) ?? []) l(payload)
  }

  callsOf(name: OpName): Record<string, unknown>[] {
    return this.calls.filter((c) => c.name === name).map((c) => c.args)
  }
}
