// One client connection: frames in, responses out, strictly in request order.
//
// Requests are decoded and handed to their handler as soon as they arrive (pipelining), but responses
// are written in the order the requests came, whatever order the handlers finish in. A handler that
// returns null (acks=0 produce) takes its turn and writes nothing.
//
// Backpressure: decoded frames wait in a queue and are dispatched one by one only while the connection is
// not blocked: the socket's unsent bytes under a high-water mark, fewer than queued.max.requests answers
// outstanding, fewer than MAX_RUNNING handlers at work, and no quota mute. Reading stops while frames wait
// and resumes on 'drain' / as responses leave, so a client that pipelines requests without reading its
// answers cannot make the broker build (and hold) an answer for each of them.
//
// Quotas (KIP-219): each request is measured against the client's quotas (../quotas/quota-manager.ts);
// one that earns a throttle gets throttle_time_ms in its response, and the connection dispatches nothing
// more until that response is written and the throttle time has passed after it (muted). Versions that
// predate KIP-219 get the response itself only after the throttle time, as Kafka does.
//
// Errors: a bad size prefix, an undecodable header or body, an unknown API key or an unsupported version
// (except ApiVersions, which answers v0 with UNSUPPORTED_VERSION as KIP-511 asks) close this connection
// only, with one log line.
import type { Socket } from 'node:net'
import type { Logger } from 'pino'
import { Reader } from '../protocol/primitives/reader.ts'
import { Writer } from '../protocol/primitives/writer.ts'
import { unsupportedVersionResponse } from './apis/18-api-versions.ts'
import type { BrokerState } from './broker-state.ts'
import { FrameReader } from './framing.ts'
import type { ListenerEndpoint } from './listener-specs.ts'
import { readInto } from './read-into.ts'
import {
  CloseConnection,
  type ConnectionInfo,
  type RequestContext,
  type RequestHeaderInfo,
} from './registry.ts'
import { readRequestHeader, writeResponseHeader } from './request-header.ts'
import { allowedBeforeAuth, newSaslSession } from '../security/sasl-session.ts'
import { ErrorCode } from '../protocol/errors.ts'
import type { SaslAuthenticateResponseInput } from '../protocol/generated/sasl-authenticate-response.ts'
import type { ClientQuotas } from '../quotas/quota-manager.ts'
import { clientThrottles } from '../quotas/throttle-versions.ts'
import { readBuffers } from '../storage/read-buffers.ts'

const API_VERSIONS_KEY = 18
const SASL_AUTHENTICATE_KEY = 36
/** Pause reading while more than this many response bytes wait in the socket. */
const WRITE_HIGH_WATER = 4 * 1024 * 1024
/** Handlers of one connection at work at once (Kafka runs one); bounds the answers being built. */
const MAX_RUNNING = 16
const PRODUCE_KEY = 0
/** SASL exchanges are never throttled (their responses have no throttle time). */
const REQUEST_QUOTA_EXEMPT = new Set([17, 36])

interface Pending {
  /** undefined while the handler runs; null for "no response". */
  chunks: Buffer[] | null | undefined
  /** A quota throttle: the connection is muted this long once the response is written. */
  muteMs?: number
}

export class Connection {
  readonly info: ConnectionInfo
  readonly #socket: Socket
  readonly #broker: BrokerState
  readonly #log: Logger
  readonly #frames: FrameReader
  readonly #maxInFlight: number
  readonly #pending: Pending[] = []
  /** Decoded frames not dispatched yet (waiting while the connection is blocked). */
  readonly #queue: Buffer[] = []
  #running = 0
  #pumping = false
  #draining = false
  /** Throttled responses not written yet: nothing more is dispatched until they are. */
  #throttlesPending = 0
  #mutedUntil = 0
  #muteTimer: NodeJS.Timeout | null = null
  #quotas: ClientQuotas | null = null
  #quotasPrincipal = ''
  #quotasClientId = ''
  #closed = false
  #paused = false

  /**
   * `accepted` is a plain TCP socket accepted paused (its reads then go straight into frame buffers), or a
   * TLS socket (its decrypted chunks are copied into them).
   */
  constructor(accepted: Socket, broker: BrokerState, id: number, listener: ListenerEndpoint) {
    this.#broker = broker
    this.#frames = new FrameReader(broker.config.int('socket.request.max.bytes'))
    // `encrypted` is how Node tells TLS sockets apart.
    const into =
      'encrypted' in accepted
        ? null
        : readInto(accepted, { target: () => this.#frames.target(), filled: (n) => this.#onRead(n) })
    const socket = into ?? accepted
    this.#socket = socket
    this.info = {
      id,
      clientId: null,
      remoteAddress: socket.remoteAddress ?? '',
      remotePort: socket.remotePort ?? 0,
      principal: 'User:ANONYMOUS',
      sasl: newSaslSession(listener.securityProtocol),
      listener,
    }
    this.#log = broker.log.child({ conn: id, remote: `${this.info.remoteAddress}:${this.info.remotePort}` })
    // Kafka caps frames from clients that have not authenticated yet (sasl.server.max.receive.size).
    if (this.info.sasl) this.#frames.maxFrameBytes = broker.config.int('sasl.server.max.receive.size')
    this.#maxInFlight = broker.config.int('queued.max.requests')

    socket.setNoDelay(true)
    const idle = broker.config.int('connections.max.idle.ms')
    if (idle > 0) {
      socket.setTimeout(idle, () => {
        this.#log.debug('closing idle connection')
        this.close()
      })
    }
    if (!into) {
      socket.on('data', (chunk: Buffer) => this.#onData(chunk))
      socket.resume()
    }
    socket.on('drain', () => this.#pump())
    socket.on('error', (err) => this.#log.debug({ err: err.message }, 'socket error'))
    socket.on('close', () => {
      this.#closed = true
      if (this.#muteTimer) clearTimeout(this.#muteTimer)
    })
  }

  get closed(): boolean {
    return this.#closed
  }

  close(): void {
    this.#closed = true
    // Responses already written but still corked go out first, as they did before the close.
    if (this.#corked) this.#uncork()
    if (!this.#socket.destroyed) this.#socket.destroy()
  }

  /** Closes once the responses already started have been written (clean shutdown). */
  async drainAndClose(): Promise<void> {
    if (this.#socket.destroyed) return
    this.#draining = true
    this.#socket.pause()
    const deadline = Date.now() + 2000
    while (this.#pending.length > 0 && !this.#closed && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10))
    }
    this.#closed = true
    // Flush what is written, then close; a peer that does not read gets cut off after a grace period.
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#socket.destroy()
        resolve()
      }, 1000)
      this.#socket.once('close', () => {
        clearTimeout(timer)
        resolve()
      })
      this.#socket.end(() => this.#socket.destroy())
    })
  }

  #fail(reason: string, err?: unknown): void {
    if (this.#closed) return
    const detail = err instanceof Error ? err.message : undefined
    this.#log.warn({ reason, err: detail, clientId: this.info.clientId }, 'closing connection')
    this.close()
  }

  /** Runs `listener` once the socket has closed. */
  onClose(listener: () => void): void {
    this.#socket.once('close', listener)
  }

  #onRead(n: number): void {
    this.#onFrames(() => this.#frames.filled(n))
  }

  #onData(chunk: Buffer): void {
    this.#onFrames(() => this.#frames.push(chunk))
  }

  /** Queues the frames that arrived and dispatches them; a bad frame size closes the connection. */
  #onFrames(read: () => Buffer[]): void {
    try {
      for (const frame of read()) this.#queue.push(frame)
    } catch (err) {
      this.#fail('bad frame', err)
      return
    }
    this.#pump()
  }

  #blocked(): boolean {
    return (
      this.#draining ||
      this.#throttlesPending > 0 ||
      this.#muteTimer !== null ||
      this.#running >= MAX_RUNNING ||
      this.#pending.length >= this.#maxInFlight ||
      this.#socket.writableLength > WRITE_HIGH_WATER
    )
  }

  /** Dispatches queued frames while the connection is not blocked; then pauses or resumes reading. */
  #pump(): void {
    if (this.#pumping || this.#closed) return
    this.#pumping = true
    try {
      while (this.#queue.length > 0 && !this.#closed && !this.#blocked()) {
        this.#onFrame(this.#queue.shift() as Buffer)
      }
    } finally {
      this.#pumping = false
    }
    this.#updateFlow()
  }

  /** The quotas of this connection's (principal, client id); null while no client quota exists. */
  #clientQuotas(): ClientQuotas | null {
    const manager = this.#broker.quotas
    if (!manager.active) return null
    const principal = this.info.principal
    const clientId = this.info.clientId ?? ''
    const q = this.#quotas
    if (
      q !== null &&
      q.generation === manager.generation &&
      this.#quotasPrincipal === principal &&
      this.#quotasClientId === clientId
    ) {
      return q
    }
    this.#quotasPrincipal = principal
    this.#quotasClientId = clientId
    this.#quotas = manager.forClient(principal, clientId)
    return this.#quotas
  }

  /** Mutes the connection for `ms` from now (a later, longer mute extends it). */
  #mute(ms: number): void {
    const until = Date.now() + ms
    if (until <= this.#mutedUntil && this.#muteTimer !== null) return
    this.#mutedUntil = until
    if (this.#muteTimer) clearTimeout(this.#muteTimer)
    this.#muteTimer = setTimeout(() => {
      this.#muteTimer = null
      this.#pump()
    }, ms)
    this.#muteTimer.unref()
  }

  #onFrame(frame: Buffer): void {
    if (this.info.sasl?.raw && !this.info.sasl.authenticated) {
      this.#onRawSaslToken(frame)
      return
    }
    const r = new Reader(frame)
    let header: RequestHeaderInfo
    try {
      header = readRequestHeader(r, frame)
    } catch (err) {
      this.#fail('malformed request header', err)
      return
    }
    this.info.clientId = header.clientId
    const { apiKey, apiVersion } = header
    const sasl = this.info.sasl
    if (sasl && !sasl.authenticated && (sasl.failed || !allowedBeforeAuth(apiKey))) {
      this.#fail(`API ${apiKey} before SASL authentication`)
      return
    }
    if (sasl?.authenticated) this.#frames.maxFrameBytes = this.#broker.config.int('socket.request.max.bytes')
    const handler = this.#broker.registry.get(apiKey)
    if (!handler) {
      this.#fail(`unsupported API key ${apiKey}`)
      return
    }
    if (apiVersion < handler.versions.min || apiVersion > handler.versions.max) {
      if (apiKey === API_VERSIONS_KEY) {
        // KIP-511: answer in v0 so the client can learn what we serve, then pick a version.
        this.#pending.push({
          chunks: this.#encode(header, 0, (w) => unsupportedVersionResponse(w, this.#broker)),
        })
        this.#flush()
        return
      }
      this.#fail(`unsupported version ${apiVersion} of API ${apiKey}`)
      return
    }
    let request: unknown
    try {
      request = handler.decode(r, apiVersion)
    } catch (err) {
      this.#fail(`malformed request body (API ${apiKey} v${apiVersion})`, err)
      return
    }
    const slot: Pending = { chunks: undefined }
    this.#pending.push(slot)
    const ctx = this.#context(header)
    const quotas = this.#clientQuotas()
    const manager = this.#broker.quotas
    // Produce is measured by its request size before the handler runs, so the next frame already waits.
    const produceThrottleMs =
      quotas?.produce && apiKey === PRODUCE_KEY ? manager.recordRate(quotas.produce, frame.length) : 0
    if (produceThrottleMs > 0) this.#throttlesPending++
    // request_percentage counts the time this request keeps the event loop busy: the handler's synchronous
    // part and the encoding, not time spent waiting for disk or a long poll.
    const requestQuota = quotas !== null && !REQUEST_QUOTA_EXEMPT.has(apiKey) ? quotas.request : null
    const started = requestQuota ? performance.now() : 0
    let result: unknown
    this.#running++
    try {
      result = handler.handle(request, ctx)
    } catch (err) {
      this.#handlerFailed(apiKey, apiVersion, err)
      return
    }
    const busyMs = requestQuota ? performance.now() - started : 0
    const settle = (res: unknown): void => {
      this.#running--
      if (this.#closed) return
      // Every append of a settled produce request is done (written, or failed before writing), and the
      // partition tails hold their own references: the frame can go back to the read pool.
      if (apiKey === PRODUCE_KEY) readBuffers.give(frame)
      // The throttle is decided before encoding, so the response is encoded once, with its throttle time.
      let ms = 0
      if (quotas !== null) {
        ms = produceThrottleMs
        if (requestQuota) {
          // Percent of one thread per second: ms busy per second / 10.
          ms = Math.max(ms, manager.recordRate(requestQuota, busyMs / 10, manager.maxRequestThrottleMs))
        }
        const own = responseThrottle(res)
        if (ms > own && res !== null) (res as { throttleTimeMs?: number }).throttleTimeMs = ms
        ms = Math.max(ms, own)
      }
      const encodeStarted = requestQuota ? performance.now() : 0
      let chunks: Buffer[] | null
      try {
        chunks =
          res === null ? null : this.#encode(header, apiVersion, (w) => handler.encode(w, res, apiVersion))
      } catch (err) {
        this.#handlerFailed(apiKey, apiVersion, err)
        return
      }
      // The encoding counts towards the requests that follow, as Kafka counts its network threads' time.
      if (requestQuota) manager.record(requestQuota, (performance.now() - encodeStarted) / 10)
      if (ms > 0) {
        if (produceThrottleMs === 0) this.#throttlesPending++
        this.#throttled(slot, chunks, ms, clientThrottles(apiKey, apiVersion))
        return
      }
      slot.chunks = chunks
      this.#flush()
    }
    if (result instanceof Promise) {
      result.then(settle, (err: unknown) => this.#handlerFailed(apiKey, apiVersion, err))
    } else {
      settle(result)
    }
  }

  /**
   * After a v0 SaslHandshake the frame is a bare SASL token: it runs through the SaslAuthenticate handler
   * and the answer goes back as a bare size-prefixed token. A bare exchange cannot carry an error code,
   * so a failed authentication closes the connection (after the handler's failed-authentication delay).
   */
  #onRawSaslToken(token: Buffer): void {
    const handler = this.#broker.registry.get(SASL_AUTHENTICATE_KEY)
    if (!handler) {
      this.#fail('SASL token without a SaslAuthenticate handler')
      return
    }
    const header: RequestHeaderInfo = {
      apiKey: SASL_AUTHENTICATE_KEY,
      apiVersion: 0,
      correlationId: 0,
      clientId: this.info.clientId,
    }
    const ctx = this.#context(header)
    const slot: Pending = { chunks: undefined }
    this.#pending.push(slot)
    const settle = (res: unknown): void => {
      if (this.#closed) return
      const { errorCode, errorMessage, authBytes } = res as SaslAuthenticateResponseInput
      if (errorCode !== ErrorCode.NONE) {
        this.#fail('SASL authentication failed', new Error(errorMessage ?? `error ${errorCode}`))
        return
      }
      const size = Buffer.allocUnsafe(4)
      size.writeInt32BE(authBytes?.length ?? 0)
      slot.chunks = authBytes && authBytes.length > 0 ? [size, authBytes] : [size]
      this.#flush()
    }
    Promise.resolve()
      .then(() => handler.handle({ authBytes: token }, ctx))
      .then(settle, (err: unknown) => this.#handlerFailed(SASL_AUTHENTICATE_KEY, 0, err))
  }

  /**
   * A throttled answer. KIP-219 versions: written now, and the connection stays muted for `ms` after it.
   * Older versions: the client does not wait by itself, so the answer is held back for `ms`.
   */
  #throttled(slot: Pending, chunks: Buffer[] | null, ms: number, clientSide: boolean): void {
    if (clientSide) {
      slot.chunks = chunks
      slot.muteMs = ms
      this.#flush()
      return
    }
    const timer = setTimeout(() => {
      if (this.#closed) return
      slot.chunks = chunks
      this.#throttlesPending--
      this.#flush()
    }, ms)
    timer.unref()
  }

  #context(header: RequestHeaderInfo): RequestContext {
    return { broker: this.#broker, conn: this.info, header, apiVersion: header.apiVersion, log: this.#log }
  }

  #handlerFailed(apiKey: number, apiVersion: number, err: unknown): void {
    if (this.#closed) return
    if (err instanceof CloseConnection) {
      this.#log.info({ apiKey, apiVersion, reason: err.message }, 'closing connection')
      this.close()
      return
    }
    this.#log.error({ err, apiKey, apiVersion }, 'request handler failed')
    this.close()
  }

  /** Size prefix + response header + body, as chunks (record buffers stay by reference). */
  #encode(header: RequestHeaderInfo, version: number, body: (w: Writer) => void): Buffer[] {
    const w = new Writer()
    writeResponseHeader(w, header.apiKey, version, header.correlationId)
    body(w)
    const size = Buffer.allocUnsafe(4)
    size.writeInt32BE(w.length)
    return [size, ...w.toChunks()]
  }

  #corked = false
  readonly #uncork = (): void => {
    this.#corked = false
    this.#socket.uncork()
  }

  /** Writes every response at the head of the queue that is ready, in request order. */
  #flush(): void {
    if (this.#closed) return
    while (this.#pending.length > 0) {
      const head = this.#pending[0] as Pending
      if (head.chunks === undefined) break
      this.#pending.shift()
      if (head.muteMs !== undefined) {
        this.#throttlesPending--
        this.#mute(head.muteMs)
      }
      if (head.chunks === null) continue
      // Corked until the current microtasks are done: responses that complete together (a group commit
      // answers many produce requests at once) leave in one writev.
      if (!this.#corked) {
        this.#corked = true
        this.#socket.cork()
        process.nextTick(this.#uncork)
      }
      this.#write(head.chunks)
    }
    this.#pump()
  }

  /** Writes one response; read-pool buffers it carries (fetched records) go back to the pool once written. */
  #write(chunks: Buffer[]): void {
    const last = chunks.length - 1
    for (let i = 0; i < last; i++) this.#socket.write(chunks[i] as Buffer)
    const pooled = chunks.some((c) => readBuffers.owns(c))
    // Only after a successful write is the socket done with the bytes; after an error they are left to the GC.
    this.#socket.write(
      chunks[last] as Buffer,
      pooled ? (err) => (err ? undefined : recycle(chunks)) : undefined,
    )
  }

  #updateFlow(): void {
    if (this.#closed || this.#draining) return
    const congested = this.#queue.length > 0 || this.#blocked()
    if (congested && !this.#paused) {
      this.#paused = true
      this.#socket.pause()
    } else if (!congested && this.#paused) {
      this.#paused = false
      this.#socket.resume()
    }
  }
}

function recycle(chunks: readonly Buffer[]): void {
  for (const c of chunks) readBuffers.give(c)
}

/** The throttle time a handler put in its response (Fetch and the controller mutation quota do), or 0. */
function responseThrottle(res: unknown): number {
  if (typeof res !== 'object' || res === null) return 0
  const t = (res as { throttleTimeMs?: unknown }).throttleTimeMs
  return typeof t === 'number' ? t : 0
}
