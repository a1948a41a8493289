/**
 * The one error type the wire codecs throw. Decoding untrusted bytes must end in this error (never a
 * RangeError from Buffer, never an unbounded allocation), so callers can map it to a Kafka error code
 * or close the connection.
 */
export type ProtocolErrorCode =
  /** The bytes end before the value they announce. */
  | 'truncated'
  /** The bytes are malformed: a negative length, an over-long varint, null where null is not allowed. */
  | 'invalid'
  /** A count or size is larger than the configured limit. */
  | 'limit'
  /** The message has no schema for the requested version. */
  | 'unsupported-version'

export class ProtocolError extends Error {
  readonly code: ProtocolErrorCode

  constructor(code: ProtocolErrorCode, message: string) {
    super(message)
    this.name = 'ProtocolError'
    this.code = code
  }
}
