// Error codes of the transaction APIs as a client of a given version understands them.
import { ErrorCode as E } from '../protocol/errors.ts'

/**
 * PRODUCER_FENCED (KIP-588) goes only to versions that know it (`since`); older clients get
 * INVALID_PRODUCER_EPOCH, which they treat the same way.
 */
export function forVersion(errorCode: number, apiVersion: number, since: number): number {
  return errorCode === E.PRODUCER_FENCED && apiVersion < since ? E.INVALID_PRODUCER_EPOCH : errorCode
}
