// The handler registry: every Kafka API the broker serves is one `api(...)` value, default-exported from
// its own file in ./apis/ (named and numbered after the API key) and listed once in ./apis/index.ts.
//
//   export default api(3, { min: 0, max: 12 }, {
//     decode: (r, v) => decodeMetadataRequest(r, v),
//     encode: (w, res, v) => encodeMetadataResponse(w, res, v),
//     handle: async (req, ctx) => ({ ... }),   // return null to send no response (acks=0 produce)
//   })
//
// The connection decodes the request header, looks the handler up by API key, checks the version against
// [min, max] (ApiVersions answers out-of-range versions itself, every other API closes the connection, as
// Kafka does), decodes the body, awaits `handle`, and writes the encoded response in request order.
// `handle` must not throw for bad input the client can be told about: answer with the API's error code.
// A thrown error is logged and closes that connection only.
import type { Logger } from 'pino'
import type { Reader } from '../protocol/primitives/reader.ts'
import type { Writer } from '../protocol/primitives/writer.ts'
import type { SaslSession } from '../security/sasl-session.ts'
import type { BrokerState } from './broker-state.ts'
import type { ListenerEndpoint } from './listener-specs.ts'

export interface VersionRange {
  min: number
  max: number
}

/** What the connection knows about its peer. */
export interface ConnectionInfo {
  /** Unique per broker process, for logs. */
  id: number
  /** The client id of the latest request on this connection (null when the client sent none). */
  clientId: string | null
  remoteAddress: string
  remotePort: number
  /** Kafka principal: `User:ANONYMOUS`, `User:<name>` once SASL authentication succeeded, or from the client certificate on an SSL listener. */
  principal: string
  /** SASL state on a SASL listener; null on a PLAINTEXT one. */
  sasl: SaslSession | null
  /** The listener this connection came in on: its advertised address is the one to give the client. */
  listener: ListenerEndpoint
}

/** The decoded request header (v1/v2; v0 is never sent by clients we serve). */
export interface RequestHeaderInfo {
  apiKey: number
  apiVersion: number
  correlationId: number
  clientId: string | null
}

export interface RequestContext {
  broker: BrokerState
  conn: ConnectionInfo
  header: RequestHeaderInfo
  /** Same as header.apiVersion, here because every handler needs it. */
  apiVersion: number
  /** Child logger carrying the connection id and API key. */
  log: Logger
}

// Method syntax on purpose: it makes every ApiHandler<Req, Res> fit the ApiHandler<unknown, unknown> table.
export interface ApiSpec<Req, Res> {
  decode(r: Reader, version: number): Req
  encode(w: Writer, res: Res, version: number): void
  handle(req: Req, ctx: RequestContext): Promise<Res | null> | Res | null
}

/**
 * Thrown by a handler that must answer by closing the connection, as Kafka does for an acks=0 produce that
 * failed: the client has no response to read the error from, so the disconnect makes it refresh metadata.
 */
export class CloseConnection extends Error {}

export interface ApiHandler<Req = unknown, Res = unknown> extends ApiSpec<Req, Res> {
  key: number
  versions: VersionRange
}

/** Declares the handler for one API key; default-export the result from the handler's file. */
export function api<Req, Res>(
  key: number,
  versions: VersionRange,
  spec: ApiSpec<Req, Res>,
): ApiHandler<Req, Res> {
  if (!Number.isInteger(key) || key < 0) throw new Error(`bad API key ${key}`)
  if (versions.min > versions.max) throw new Error(`API ${key}: empty version range`)
  return { key, versions, ...spec }
}

/** Handlers by API key, built once from the list in ./apis/index.ts. */
export class ApiRegistry {
  readonly #byKey = new Map<number, ApiHandler<unknown, unknown>>()

  constructor(handlers: readonly ApiHandler<unknown, unknown>[]) {
    for (const h of handlers) {
      if (this.#byKey.has(h.key)) throw new Error(`two handlers for API key ${h.key}`)
      this.#byKey.set(h.key, h)
    }
  }

  get(key: number): ApiHandler<unknown, unknown> | undefined {
    return this.#byKey.get(key)
  }

  /** Every served API with its version range, sorted by key (what ApiVersions advertises). */
  list(): { key: number; min: number; max: number }[] {
    return [...this.#byKey.values()]
      .map((h) => ({ key: h.key, min: h.versions.min, max: h.versions.max }))
      .sort((a, b) => a.key - b.key)
  }
}
