// Request and response headers: the header version follows from the API key and version (flexible
// versions use request header v2 / response header v1; ApiVersions responses always use v0).
import { requestHeaderVersion, responseHeaderVersion } from './header-versions.ts'
import { decodeRequestHeader } from '../protocol/generated/request-header.ts'
import { encodeResponseHeader } from '../protocol/generated/response-header.ts'
import { ProtocolError } from '../protocol/primitives/errors.ts'
import type { Reader } from '../protocol/primitives/reader.ts'
import type { Writer } from '../protocol/primitives/writer.ts'
import type { RequestHeaderInfo } from './registry.ts'

/** Decodes the header at the start of a request frame; the reader is left at the body. */
export function readRequestHeader(r: Reader, frame: Buffer): RequestHeaderInfo {
  if (frame.length < 4) throw new ProtocolError('truncated', `request of ${frame.length} bytes has no header`)
  const apiKey = frame.readInt16BE(0)
  const apiVersion = frame.readInt16BE(2)
  const h = decodeRequestHeader(r, requestHeaderVersion(apiKey, apiVersion))
  return { apiKey, apiVersion, correlationId: h.correlationId, clientId: h.clientId }
}

export function writeResponseHeader(
  w: Writer,
  apiKey: number,
  apiVersion: number,
  correlationId: number,
): void {
  encodeResponseHeader(w, { correlationId }, responseHeaderVersion(apiKey, apiVersion))
}
