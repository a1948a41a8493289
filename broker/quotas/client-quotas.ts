// Client quota entities as Kafka defines them (KIP-546): which keys each entity takes, how a
// DescribeClientQuotas filter matches entities, and which stored quota applies to a connection.
import type { ClientQuotaState, MetadataImage } from '../metadata/image.ts'
import { quotaEntityKey } from '../metadata/image.ts'
import type { QuotaEntityPart } from '../metadata/records.ts'

export const USER = 'user'
export const CLIENT_ID = 'client-id'
export const IP = 'ip'

/** Keys whose values are whole numbers (Kafka's LONG quota configs). */
const LONG_KEYS = new Set(['producer_byte_rate', 'consumer_byte_rate'])
const USER_CLIENT_KEYS = new Set([
  'producer_byte_rate',
  'consumer_byte_rate',
  'request_percentage',
  'controller_mutation_rate',
])
const IP_KEYS = new Set(['connection_creation_rate'])

export class QuotaError extends Error {}

/** Checks an entity: known types, each at most once, `ip` never combined with user or client-id. */
export function validateEntity(entity: readonly QuotaEntityPart[]): void {
  if (entity.length === 0) throw new QuotaError('Invalid empty client quota entity')
  const seen = new Set<string>()
  for (const p of entity) {
    if (p.entityType !== USER && p.entityType !== CLIENT_ID && p.entityType !== IP) {
      throw new QuotaError(`Unhandled client quota entity type: ${p.entityType}`)
    }
    if (seen.has(p.entityType)) throw new QuotaError(`Duplicate ${p.entityType} entity in the quota entity`)
    if (p.entityName === '') throw new QuotaError(`Empty ${p.entityType} name (use null for the default)`)
    seen.add(p.entityType)
  }
  if (seen.has(IP) && seen.size > 1) throw new QuotaError('Invalid quota entity combination: ip with others')
}

/** Checks one quota key/value for an entity (validated already). */
export function validateQuotaValue(entity: readonly QuotaEntityPart[], key: string, value: number): void {
  const isIp = entity.some((p) => p.entityType === IP)
  const allowed = isIp ? IP_KEYS : USER_CLIENT_KEYS
  if (!allowed.has(key)) throw new QuotaError(`Invalid configuration key ${key}`)
  if (!Number.isFinite(value) || value <= 0) throw new QuotaError(`Quota ${key} must be a positive number`)
  if (LONG_KEYS.has(key) && !Number.isSafeInteger(value)) {
    throw new QuotaError(`Configuration ${key} must be a Long value`)
  }
}

export interface QuotaFilterComponent {
  entityType: string
  /** 0 = exact name, 1 = default, 2 = any entity of that type. */
  matchType: number
  match: string | null
}

export const MATCH_EXACT = 0
export const MATCH_DEFAULT = 1
export const MATCH_SPECIFIED = 2

/** The entities matching a DescribeClientQuotas filter (Kafka's rules). Throws QuotaError. */
export function describeQuotas(
  image: MetadataImage,
  components: readonly QuotaFilterComponent[],
  strict: boolean,
): ClientQuotaState[] {
  const exact = new Map<string, string | null>()
  const anyOfType = new Set<string>()
  for (const c of components) {
    if (c.entityType === '') throw new QuotaError('Invalid empty entity type')
    if (exact.has(c.entityType) || anyOfType.has(c.entityType)) {
      throw new QuotaError(`Entity type ${c.entityType} cannot appear more than once in the filter`)
    }
    if (c.entityType !== USER && c.entityType !== CLIENT_ID && c.entityType !== IP) {
      throw new QuotaError(`Unsupported entity type ${c.entityType}`)
    }
    if (c.matchType === MATCH_EXACT) {
      if (c.match === null) throw new QuotaError('MATCH_TYPE_EXACT needs a match string')
      exact.set(c.entityType, c.match)
    } else if (c.matchType === MATCH_DEFAULT) {
      if (c.match !== null) throw new QuotaError('MATCH_TYPE_DEFAULT takes no match string')
      exact.set(c.entityType, null)
    } else if (c.matchType === MATCH_SPECIFIED) {
      if (c.match !== null) throw new QuotaError('MATCH_TYPE_SPECIFIED takes no match string')
      anyOfType.add(c.entityType)
    } else {
      throw new QuotaError(`Unsupported match type ${c.matchType}`)
    }
  }
  const has = (t: string): boolean => exact.has(t) || anyOfType.has(t)
  if (has(IP) && (has(USER) || has(CLIENT_ID))) {
    throw new QuotaError('IP filter component should not be used with user or clientId filter component')
  }
  const out: ClientQuotaState[] = []
  for (const q of image.clientQuotas.values()) {
    if (strict && q.entity.length !== exact.size + anyOfType.size) continue
    const names = new Map(q.entity.map((p) => [p.entityType, p.entityName]))
    let ok = true
    for (const [t, name] of exact) if (!names.has(t) || names.get(t) !== name) ok = false
    for (const t of anyOfType) if (!names.has(t)) ok = false
    if (ok) out.push(q)
  }
  return out
}

/** A stored quota that applies to a connection, and the entity it was stored under. */
export interface QuotaMatch {
  value: number
  entity: readonly QuotaEntityPart[]
}

/**
 * The quota that applies to a (user, client-id) pair for `key`, in Kafka's precedence order:
 * user+client, user+default client, user, default user+client, default user+default client, default
 * user, client, default client. null when no quota applies. `user` is the principal's name (Kafka's
 * unauthenticated principal is the user ANONYMOUS); null matches only client-id quotas.
 */
export function quotaMatch(
  image: MetadataImage,
  user: string | null,
  clientId: string,
  key: string,
): QuotaMatch | null {
  const candidates: QuotaEntityPart[][] = []
  const u = (n: string | null): QuotaEntityPart => ({ entityType: USER, entityName: n })
  const c = (n: string | null): QuotaEntityPart => ({ entityType: CLIENT_ID, entityName: n })
  if (user !== null) {
    candidates.push([u(user), c(clientId)], [u(user), c(null)], [u(user)])
    candidates.push([u(null), c(clientId)], [u(null), c(null)], [u(null)])
  }
  candidates.push([c(clientId)], [c(null)])
  for (const entity of candidates) {
    const v = image.clientQuotas.get(quotaEntityKey(entity))?.values.get(key)
    if (v !== undefined) return { value: v, entity }
  }
  return null
}

/** The value of quotaMatch, or null. */
export function quotaFor(
  image: MetadataImage,
  user: string | null,
  clientId: string,
  key: string,
): number | null {
  return quotaMatch(image, user, clientId, key)?.value ?? null
}
