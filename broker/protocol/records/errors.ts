// Typed failures of record batch parsing and decompression. Each carries the Kafka error code that a
// broker would answer with, so callers can map them to the wire without string matching.

export const ERROR_CORRUPT_MESSAGE = 2
export const ERROR_MESSAGE_TOO_LARGE = 10
export const ERROR_UNSUPPORTED_FOR_MESSAGE_FORMAT = 43
export const ERROR_INVALID_RECORD = 87

export class RecordBatchError extends Error {
  readonly errorCode: number

  constructor(errorCode: number, message: string) {
    super(message)
    this.name = 'RecordBatchError'
    this.errorCode = errorCode
  }
}

/** Raised when decompressing would exceed the caller's limit (a likely decompression bomb). */
export class DecompressionLimitError extends RecordBatchError {
  readonly limit: number

  constructor(codec: string, limit: number) {
    super(ERROR_MESSAGE_TOO_LARGE, `${codec} data inflates beyond the limit of ${limit} bytes`)
    this.name = 'DecompressionLimitError'
    this.limit = limit
  }
}

export function invalidRecord(message: string): RecordBatchError {
  return new RecordBatchError(ERROR_INVALID_RECORD, message)
}

export function corruptMessage(message: string): RecordBatchError {
  return new RecordBatchError(ERROR_CORRUPT_MESSAGE, message)
}
