// Typed storage errors. Each carries the Kafka error code the broker answers with, so handlers can map a
// storage failure to the wire without knowing storage internals.

/** Kafka error codes that storage failures map to. */
export const KAFKA_ERROR = {
  OFFSET_OUT_OF_RANGE: 1,
  CORRUPT_MESSAGE: 2,
  MESSAGE_TOO_LARGE: 10,
  INVALID_TOPIC_EXCEPTION: 17,
  RECORD_LIST_TOO_LARGE: 18,
  INVALID_CONFIG: 40,
  KAFKA_STORAGE_ERROR: 56,
} as const

export class StorageError extends Error {
  readonly errorCode: number
  constructor(message: string, errorCode: number, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.errorCode = errorCode
  }
}

/** A fetch or DeleteRecords offset outside [logStartOffset, logEndOffset] (or past the high watermark). */
export class OffsetOutOfRangeError extends StorageError {
  constructor(message: string) {
    super(message, KAFKA_ERROR.OFFSET_OUT_OF_RANGE)
  }
}

/** Bytes handed to append are not a sequence of whole v2 batches. */
export class CorruptRecordError extends StorageError {
  constructor(message: string) {
    super(message, KAFKA_ERROR.CORRUPT_MESSAGE)
  }
}

/** One batch is larger than max.message.bytes. */
export class RecordTooLargeError extends StorageError {
  constructor(message: string) {
    super(message, KAFKA_ERROR.MESSAGE_TOO_LARGE)
  }
}

/** The partition's disk failed (disk full, read-only file system...): the partition is offline. */
export class KafkaStorageError extends StorageError {
  constructor(message: string, cause?: unknown) {
    super(message, KAFKA_ERROR.KAFKA_STORAGE_ERROR, { cause })
  }
}

/** A topic config name or value Kafka would reject. */
export class InvalidConfigError extends StorageError {
  constructor(message: string) {
    super(message, KAFKA_ERROR.INVALID_CONFIG)
  }
}
