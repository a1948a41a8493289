// Request and response headers. The request header version is not on the wire: it follows from the API
// key and version (the first four bytes), so those are read first and the rest of the header after.
import { requestHeaderVersion } from './generated/apis.ts'
import type { Reader } from './primitives/reader.ts'
import type { Writer } from './primitives/writer.ts'

export interface RequestHeader {
  apiKey: number
  apiVersion: number
  correlationId: number
  /** Null in header v0 (ControlledShutdown v0) and when the client sends a null client id. */
  clientId: string | null
  headerVersion: 0 | 1 | 2
}

/** Reads a request header; the reader is left at the start of the request body. */
export function decodeRequestHeader(r: Reader): RequestHeader {
  const apiKey = r.int16()
  const apiVersion = r.int16()
  const correlationId = r.int32()
  const headerVersion = requestHeaderVersion(apiKey, apiVersion)
  // The client id keeps its int16 length even in header v2 so that any broker can read it.
  const clientId = headerVersion >= 1 ? r.nullableString() : null
  if (headerVersion >= 2) r.skipTaggedFields()
  return { apiKey, apiVersion, correlationId, clientId, headerVersion }
}

/** Writes a response header: v0 is the correlation id, v1 adds an empty tagged-field section. */
export function encodeResponseHeader(w: Writer, correlationId: number, headerVersion: 0 | 1): void {
  w.int32(correlationId)
  if (headerVersion >= 1) w.uint8(0)
}
