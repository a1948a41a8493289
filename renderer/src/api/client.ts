// The renderer's typed client over the contract. It imports only types from the contract (no zod in the
// bundle); a transport carries envelopes, and failed calls become StrataError with the back end's code.
import type {
  ArgsOf,
  Envelope,
  EventName,
  Events,
  OpName,
  ResultOf,
  StrataErrorShape,
} from '../../../electron/contract.ts'

export class StrataError extends Error {
  readonly code: string
  readonly details: Record<string, unknown> | undefined

  constructor(shape: StrataErrorShape) {
    super(shape.message)
    this.name = 'StrataError'
    this.code = shape.code
    this.details = shape.details
  }
}

/** Moves envelopes: window.strata in Electron, a WebSocket in web mode. */
export interface Transport {
  invoke(name: OpName, args: unknown): Promise<Envelope<unknown>>
  on(event: EventName, listener: (payload: unknown) => void): () => void
}

export interface StrataClient {
  call<N extends OpName>(name: N, args: ArgsOf<N>): Promise<ResultOf<N>>
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void
}

export function clientOver(transport: Transport): StrataClient {
  return {
    async call<N extends OpName>(name: N, args: ArgsOf<N>): Promise<ResultOf<N>> {
      const envelope = await transport.invoke(name, args)
      if (!envelope.ok) throw new StrataError(envelope.error)
      return envelope.value as ResultOf<N>
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      return transport.on(event, (payload) => listener(payload as Events[E]))
    },
  }
}
