// The stores' one way to the back end: a call per contract operation and a subscription per event.
// The real transport (IPC in Electron, WebSocket in web mode) is installed at start-up; tests install a fake.
import type { ArgsOf, EventName, Events, OpName, ResultOf } from '../lib/model.ts'

export interface Backend {
  call<N extends OpName>(name: N, args: ArgsOf<N>): Promise<ResultOf<N>>
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void
}

let current: Backend | null = null

export function setBackend(backend: Backend): void {
  current = backend
}

export function backend(): Backend {
  if (!current) throw new Error('The console is not connected to its back end yet.')
  return current
}

export function call<N extends OpName>(name: N, args: ArgsOf<N>): Promise<ResultOf<N>> {
  return backend().call(name, args)
}
