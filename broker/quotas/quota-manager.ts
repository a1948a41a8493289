// Client quota enforcement (KIP-13, KIP-55, KIP-124, KIP-219, KIP-599): which stored quota applies to a
// connection's (user, client-id), the sensors that measure its use, and the throttle time a request earns.
//
// Sensors are keyed like Kafka's quota metrics: by the levels of the entity the quota was stored under,
// filled with the connection's own names. A quota on `<default>` client-id gives every client id its own
// sensor; a quota on user `alice` makes all of alice's client ids share one. Resolved quotas are cached
// per (user, client-id) and dropped whenever a client quota record is applied, so a change takes effect
// with the next request; sensors outlive such changes, so the history measured so far still counts.
import type { MetadataImage } from '../metadata/image.ts'
import { CLIENT_ID, USER, quotaMatch } from './client-quotas.ts'
import { RateSensor, type WindowConfig } from './rate-sensor.ts'
import { TokenBucket } from './token-bucket.ts'

export const PRODUCER_BYTE_RATE = 'producer_byte_rate'
export const CONSUMER_BYTE_RATE = 'consumer_byte_rate'
export const REQUEST_PERCENTAGE = 'request_percentage'
export const CONTROLLER_MUTATION_RATE = 'controller_mutation_rate'

/** Idle sensors are swept once this many exist. */
const SWEEP_AT = 1000
const NOT_THROTTLED = { throttleMs: 0, withhold: false } as const

/** A stored quota and the meter that measures its use. */
export interface MeteredQuota<M> {
  quota: number
  meter: M
}

export type RateQuota = MeteredQuota<RateSensor>
export type MutationQuotaBound = MeteredQuota<TokenBucket>

/** The quotas that apply to one (user, client-id); null where none is stored. */
export interface ClientQuotas {
  /** Bumps whenever client quotas change; a holder re-resolves when it differs from the manager's. */
  readonly generation: number
  readonly produce: RateQuota | null
  readonly fetch: RateQuota | null
  readonly request: RateQuota | null
  readonly mutation: MutationQuotaBound | null
}

export interface QuotaManagerOptions {
  window: WindowConfig
  /** Window of the controller mutation token bucket (controller.quota.window.*). */
  controllerWindow: WindowConfig
  now?: () => number
}

/** The user name quotas match for a Kafka principal (`User:alice` -> `alice`, `User:ANONYMOUS` too). */
export function quotaUser(principal: string): string {
  return principal.startsWith('User:') ? principal.slice(5) : principal
}

export class QuotaManager {
  readonly #image: MetadataImage
  readonly #opts: QuotaManagerOptions
  readonly now: () => number
  /**
   * Byte-rate throttles are not capped, as in Kafka (only by the wire's int32); a fetch is kept to a
   * window's worth of bytes instead (fetchBudget). Request-time throttles are capped at one sample.
   */
  readonly maxThrottleMs = 0x7fffffff
  readonly maxRequestThrottleMs: number
  #generation = 0
  #active = false
  readonly #resolved = new Map<string, ClientQuotas>()
  readonly #sensors = new Map<string, RateSensor>()
  readonly #buckets = new Map<string, TokenBucket>()
  readonly #newSensor = (): RateSensor => new RateSensor(this.#opts.window)
  readonly #newBucket = (): TokenBucket => new TokenBucket(this.#opts.controllerWindow)

  constructor(image: MetadataImage, opts: QuotaManagerOptions) {
    this.#image = image
    this.#opts = opts
    this.now = opts.now ?? Date.now
    this.maxRequestThrottleMs = opts.window.windowMs
    this.invalidate()
  }

  /** False while no user or client-id quota is stored: connections skip all quota work. */
  get active(): boolean {
    return this.#active
  }

  get generation(): number {
    return this.#generation
  }

  /** Call after a client quota record was applied to the image. */
  invalidate(): void {
    this.#generation++
    this.#resolved.clear()
    this.#active = false
    for (const q of this.#image.clientQuotas.values()) {
      if (!q.entity.some((p) => p.entityType !== USER && p.entityType !== CLIENT_ID)) this.#active = true
    }
  }

  /** The quotas for a principal (`User:<name>`) and client id, cached until quotas change. */
  forClient(principal: string, clientId: string): ClientQuotas {
    const user = quotaUser(principal)
    const key = `${user}\u0000${clientId}`
    let q = this.#resolved.get(key)
    if (!q) {
      q = {
        generation: this.#generation,
        produce: this.#metered(PRODUCER_BYTE_RATE, user, clientId, this.#sensors, this.#newSensor),
        fetch: this.#metered(CONSUMER_BYTE_RATE, user, clientId, this.#sensors, this.#newSensor),
        request: this.#metered(REQUEST_PERCENTAGE, user, clientId, this.#sensors, this.#newSensor),
        mutation: this.#metered(CONTROLLER_MUTATION_RATE, user, clientId, this.#buckets, this.#newBucket),
      }
      this.#resolved.set(key, q)
    }
    return q
  }

  /** Records `value` against a rate quota; returns the throttle time it earns (0 within the quota). */
  recordRate(q: RateQuota, value: number, maxMs = this.maxThrottleMs, now = this.now()): number {
    q.meter.record(value, now)
    return q.meter.throttleMs(q.quota, now, maxMs)
  }

  /** Records `value` against a rate quota once its request's throttle is decided: it counts for later ones. */
  record(q: RateQuota, value: number, now = this.now()): void {
    q.meter.record(value, now)
  }

  /**
   * The most bytes one Fetch response may carry for this client: a consumer_byte_rate quota's worth of
   * samples - 1 windows, as Kafka limits it, so one answer never earns more than a window of throttle.
   */
  fetchBudget(principal: string, clientId: string | null): number {
    if (!this.#active) return Infinity
    const q = this.forClient(principal, clientId ?? '').fetch
    if (!q) return Infinity
    return Math.max(
      1,
      Math.floor(q.quota * (this.#opts.window.samples - 1) * (this.#opts.window.windowMs / 1000)),
    )
  }

  /**
   * Measures a Fetch answer carrying `bytes` of records against consumer_byte_rate. Over the quota the
   * answer goes out without its records (`withhold`), as in Kafka, and they are not counted: the consumer
   * fetches them again after the throttle. An answer larger than fetchBudget (one batch bigger than a
   * quota window) would be over the quota however long the consumer waited, so it is sent and counted.
   */
  recordFetch(
    principal: string,
    clientId: string | null,
    bytes: number,
  ): { throttleMs: number; withhold: boolean } {
    if (!this.#active) return NOT_THROTTLED
    const q = this.forClient(principal, clientId ?? '').fetch
    if (!q) return NOT_THROTTLED
    const now = this.now()
    const throttleMs = this.recordRate(q, bytes, this.maxThrottleMs, now)
    if (throttleMs === 0) return NOT_THROTTLED
    const withhold = bytes <= this.fetchBudget(principal, clientId)
    // Taken back in the sample it went into, as Kafka's unrecordQuotaSensor does.
    if (withhold) this.record(q, -bytes, now)
    return { throttleMs, withhold }
  }

  /**
   * A request's view of the controller mutation quota. Strict (CreateTopics v6+, CreatePartitions v3+,
   * DeleteTopics v5+): a mutation is refused with THROTTLING_QUOTA_EXCEEDED while the bucket is in debt.
   * Permissive (older versions): every mutation is accepted and the client is throttled afterwards.
   */
  mutations(principal: string, clientId: string | null, strict: boolean): MutationQuota {
    return new MutationQuota(this.forClient(principal, clientId ?? '').mutation, strict, this.now)
  }

  /** The quota `key` that applies to (user, clientId), with its meter from `meters` (made on first use). */
  #metered<M extends { lastRecordMs: number }>(
    key: string,
    user: string,
    clientId: string,
    meters: Map<string, M>,
    create: () => M,
  ): MeteredQuota<M> | null {
    const m = quotaMatch(this.#image, user, clientId, key)
    if (!m) return null
    const meterKey = this.#meterKey(key, m.entity, user, clientId)
    let meter = meters.get(meterKey)
    if (!meter) {
      this.#sweep(meters)
      meter = create()
      meters.set(meterKey, meter)
    }
    return { quota: m.value, meter }
  }

  #meterKey(key: string, entity: readonly { entityType: string }[], user: string, clientId: string): string {
    const u = entity.some((p) => p.entityType === USER) ? user : ''
    const c = entity.some((p) => p.entityType === CLIENT_ID) ? clientId : ''
    return `${key}\u0000${u}\u0000${c}`
  }

  /** Drops idle meters once there are many (a client-id per connection would grow the map forever). */
  #sweep(map: Map<string, { lastRecordMs: number }>): void {
    if (map.size < SWEEP_AT) return
    const idleBefore = this.now() - 2 * this.#opts.window.samples * this.#opts.window.windowMs
    for (const [k, s] of map) if (s.lastRecordMs < idleBefore) map.delete(k)
  }
}

/** Controller mutations of one request, checked and recorded topic by topic. */
export class MutationQuota {
  readonly #bound: MutationQuotaBound | null
  readonly #strict: boolean
  readonly #now: () => number
  #throttleMs = 0

  constructor(bound: MutationQuotaBound | null, strict: boolean, now: () => number) {
    this.#bound = bound
    this.#strict = strict
    this.#now = now
  }

  /** True when the next mutation must be refused (strict mode, bucket in debt). */
  refused(): boolean {
    const b = this.#bound
    if (!b || !this.#strict) return false
    const t = b.meter.throttleMs(b.quota, this.#now())
    if (t > 0) this.#throttleMs = Math.max(this.#throttleMs, t)
    return t > 0
  }

  /** Records `partitions` partitions created or deleted. */
  record(partitions: number): void {
    const b = this.#bound
    if (!b || partitions <= 0) return
    const now = this.#now()
    b.meter.record(partitions, b.quota, now)
    if (!this.#strict) this.#throttleMs = Math.max(this.#throttleMs, b.meter.throttleMs(b.quota, now))
  }

  /** The throttle time for the response (and how long the connection is muted). */
  get throttleMs(): number {
    return this.#throttleMs
  }
}
