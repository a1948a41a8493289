// A minimal Kafka wire client over a raw socket for server tests: sends frames, reads framed responses.
import net from 'node:net'
import { encodeRequestHeader } from '../../broker/protocol/generated/request-header.ts'
import { requestHeaderVersion, responseHeaderVersion } from '../../broker/protocol/generated/apis.ts'
import { decodeResponseHeader } from '../../broker/protocol/generated/response-header.ts'
import { Reader } from '../../broker/protocol/primitives/reader.ts'
import { Writer } from '../../broker/protocol/primitives/writer.ts'

export class RawClient {
  readonly socket: net.Socket
  #buf = Buffer.alloc(0)
  #waiters: ((frame: Buffer) => void)[] = []
  #frames: Buffer[] = []
  readonly closed: Promise<void>

  private constructor(socket: net.Socket) {
    this.socket = socket
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()))
    socket.on('error', () => {})
    socket.on('data', (d: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, d])
      while (this.#buf.length >= 4) {
        const size = this.#buf.readInt32BE(0)
        if (this.#buf.length < 4 + size) break
        const frame = this.#buf.subarray(4, 4 + size)
        this.#buf = this.#buf.subarray(4 + size)
        const w = this.#waiters.shift()
        if (w) w(frame)
        else this.#frames.push(frame)
      }
    })
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ port, host }, () => resolve(new RawClient(s)))
      s.once('error', reject)
    })
  }

  /** The next response frame (without its size prefix). */
  next(): Promise<Buffer> {
    const f = this.#frames.shift()
    if (f) return Promise.resolve(f)
    return new Promise((resolve) => this.#waiters.push(resolve))
  }

  /** Encodes a request frame (size + header + body). */
  static frame(apiKey: number, apiVersion: number, correlationId: number, body: (w: Writer) => void): Buffer {
    const w = new Writer()
    encodeRequestHeader(
      w,
      { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId: 'raw' },
      requestHeaderVersion(apiKey, apiVersion),
    )
    body(w)
    const payload = w.toBuffer()
    const size = Buffer.alloc(4)
    size.writeInt32BE(payload.length)
    return Buffer.concat([size, payload])
  }

  send(bytes: Buffer): void {
    this.socket.write(bytes)
  }

  /** Reads a response frame's header; returns the correlation id and a reader at the body. */
  static parse(frame: Buffer, apiKey: number, apiVersion: number): { correlationId: number; body: Reader } {
    const r = new Reader(frame)
    const h = decodeResponseHeader(r, responseHeaderVersion(apiKey, apiVersion))
    return { correlationId: h.correlationId, body: r }
  }

  close(): void {
    this.socket.destroy()
  }
}
