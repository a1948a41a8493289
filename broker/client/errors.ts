// One error type for every admin operation, with a code a UI can switch on and a message a person can
// read. Kafka client errors (nested aggregates with protocol error ids) are flattened into it here.

export type AdminErrorCode =
  | 'invalid-argument'
  | 'not-found'
  | 'already-exists'
  | 'group-active'
  | 'unsupported'
  | 'not-authorized'
  | 'connection'
  | 'timeout'
  | 'kafka'
  | 'internal'

export class AdminError extends Error {
  readonly code: AdminErrorCode
  readonly details: Record<string, unknown> | undefined

  constructor(code: AdminErrorCode, message: string, details?: Record<string, unknown>) {
    super(message)
    this.name = 'AdminError'
    this.code = code
    this.details = details
  }
}

interface ErrorLike {
  message?: unknown
  code?: unknown
  apiId?: unknown
  serverErrorMessage?: unknown
  errors?: unknown
  cause?: unknown
}

/** Every error in a nested aggregate/cause chain, outermost first. */
export function flattenErrors(error: unknown, out: ErrorLike[] = [], depth = 0): ErrorLike[] {
  if (depth > 8 || typeof error !== 'object' || error === null) return out
  const e = error as ErrorLike
  out.push(e)
  if (Array.isArray(e.errors)) for (const inner of e.errors) flattenErrors(inner, out, depth + 1)
  if (e.cause) flattenErrors(e.cause, out, depth + 1)
  return out
}

const notFoundIds = new Set([
  'UNKNOWN_TOPIC_OR_PARTITION',
  'UNKNOWN_TOPIC_ID',
  'GROUP_ID_NOT_FOUND',
  'RESOURCE_NOT_FOUND',
])
const authIds = new Set([
  'TOPIC_AUTHORIZATION_FAILED',
  'GROUP_AUTHORIZATION_FAILED',
  'CLUSTER_AUTHORIZATION_FAILED',
  'TRANSACTIONAL_ID_AUTHORIZATION_FAILED',
  'SASL_AUTHENTICATION_FAILED',
  // A listener without SASL answers the handshake with ILLEGAL_SASL_STATE, as Kafka does.
  'ILLEGAL_SASL_STATE',
  'UNSUPPORTED_SASL_MECHANISM',
])

/** Turns anything thrown by the Kafka client (or by us) into an AdminError. */
export function toAdminError(error: unknown): AdminError {
  if (error instanceof AdminError) return error
  const all = flattenErrors(error)
  const protocol = all.find((e) => typeof e.apiId === 'string')
  if (protocol) {
    const id = String(protocol.apiId)
    const server = typeof protocol.serverErrorMessage === 'string' ? protocol.serverErrorMessage : null
    const text = `${id}: ${server ?? String(protocol.message ?? '')}`.trim()
    const code: AdminErrorCode = notFoundIds.has(id)
      ? 'not-found'
      : id === 'TOPIC_ALREADY_EXISTS'
        ? 'already-exists'
        : authIds.has(id)
          ? 'not-authorized'
          : id === 'NON_EMPTY_GROUP'
            ? 'group-active'
            : id === 'UNSUPPORTED_VERSION' || id === 'INVALID_REQUEST'
              ? 'unsupported'
              : id.startsWith('INVALID_') || id === 'POLICY_VIOLATION'
                ? 'invalid-argument'
                : 'kafka'
    return new AdminError(code, text, { kafkaError: id })
  }
  const codes = all.map((e) => (typeof e.code === 'string' ? e.code : ''))
  const deepest = [...all].reverse().find((e) => typeof e.message === 'string' && e.message !== '')
  const message = String(deepest?.message ?? error)
  if (codes.includes('PLT_KFK_UNSUPPORTED_API')) return new AdminError('unsupported', message)
  if (codes.includes('PLT_KFK_AUTHENTICATION')) return new AdminError('not-authorized', message)
  if (codes.some((c) => c === 'ETIMEDOUT') || /timed? ?out/i.test(message))
    return new AdminError('timeout', message)
  if (codes.includes('PLT_KFK_NETWORK') || codes.some((c) => /^E[A-Z]+$/.test(c)))
    return new AdminError('connection', message)
  if (codes.includes('PLT_KFK_USER'))
    return new AdminError(/unknown topic/i.test(message) ? 'not-found' : 'invalid-argument', message)
  return new AdminError('internal', message)
}
