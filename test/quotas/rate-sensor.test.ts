// Quota measurement: Kafka's sampled rate and throttle time, the KIP-599 token bucket, and which sensor a
// connection's (user, client-id) records to.
import { describe, expect, it } from 'vitest'
import { MetadataImage } from '../../broker/metadata/image.ts'
import { RecordType, type QuotaEntityPart } from '../../broker/metadata/records.ts'
import { QuotaManager, quotaUser } from '../../broker/quotas/quota-manager.ts'
import { RateSensor } from '../../broker/quotas/rate-sensor.ts'
import { clientThrottles } from '../../broker/quotas/throttle-versions.ts'
import { TokenBucket } from '../../broker/quotas/token-bucket.ts'

const WINDOW = { samples: 11, windowMs: 1000 }

describe('RateSensor', () => {
  it('pads a young window to samples - 1 full windows', () => {
    const s = new RateSensor(WINDOW)
    s.record(5000, 0)
    expect(s.windowSizeMs(0)).toBe(10_000)
    expect(s.rate(0)).toBe(500)
    expect(s.windowSizeMs(2500)).toBe(2500 + 8000)
  })

  it('measures over the elapsed time once the window is full, and forgets samples older than it', () => {
    const s = new RateSensor(WINDOW)
    for (let t = 0; t <= 10_000; t += 1000) s.record(100, t)
    expect(s.windowSizeMs(10_500)).toBe(10_500)
    expect(s.total(10_500)).toBe(1100)
    // At 12 s the sample started at 0 ended more than 11 s ago: it no longer counts.
    expect(s.total(12_000)).toBe(1000)
  })

  it('throttles by (observed - quota) / quota × window, capped', () => {
    const s = new RateSensor(WINDOW)
    s.record(12_000, 0)
    // 12000 over a 10 s window = 1200/s against 1000/s: 20% over for 10 s = 2 s.
    expect(s.throttleMs(1000, 0, 11_000)).toBe(2000)
    expect(s.throttleMs(2000, 0, 11_000)).toBe(0)
    expect(s.throttleMs(10, 0, 11_000)).toBe(11_000)
  })

  it('holds a client that waits out each throttle to about the quota', () => {
    // A client sending 64 KiB as often as it may for 10 s against a 1 MiB/s quota.
    const quota = 1024 * 1024
    const s = new RateSensor(WINDOW)
    let t = 0
    let sent = 0
    while (t < 10_000) {
      s.record(65_536, t)
      sent += 65_536
      t += Math.max(1, s.throttleMs(quota, t, 11_000))
    }
    const perSecond = sent / 10
    expect(perSecond).toBeGreaterThan(0.8 * quota)
    expect(perSecond).toBeLessThan(1.2 * quota)
  })
})

describe('TokenBucket', () => {
  it('starts full, admits into debt, and throttles until the debt is paid', () => {
    const b = new TokenBucket(WINDOW)
    // quota 2/s: burst 22.
    expect(b.tokens(2, 0)).toBe(22)
    b.record(30, 2, 0)
    expect(b.tokens(2, 0)).toBe(-8)
    expect(b.throttleMs(2, 0)).toBe(4000)
    expect(b.throttleMs(2, 3000)).toBe(1000)
    expect(b.throttleMs(2, 4000)).toBe(0)
    expect(b.tokens(2, 100_000)).toBe(22)
  })
})

describe('QuotaManager', () => {
  const user = (n: string | null): QuotaEntityPart => ({ entityType: 'user', entityName: n })
  const client = (n: string | null): QuotaEntityPart => ({ entityType: 'client-id', entityName: n })
  const set = (image: MetadataImage, entity: QuotaEntityPart[], key: string, value: number | null): void =>
    image.apply({ type: RecordType.CLIENT_QUOTA, entity, key, value: value ?? 0, remove: value === null })

  it('is inactive without user or client-id quotas', () => {
    const image = new MetadataImage()
    const m = new QuotaManager(image, { window: WINDOW, controllerWindow: WINDOW })
    expect(m.active).toBe(false)
    set(image, [{ entityType: 'ip', entityName: null }], 'connection_creation_rate', 5)
    m.invalidate()
    expect(m.active).toBe(false)
    set(image, [client(null)], 'producer_byte_rate', 5)
    m.invalidate()
    expect(m.active).toBe(true)
  })

  it('gives each client id its own sensor under a default quota, one shared sensor under a user quota', () => {
    const image = new MetadataImage()
    set(image, [client(null)], 'producer_byte_rate', 100)
    set(image, [user('alice')], 'producer_byte_rate', 200)
    const m = new QuotaManager(image, { window: WINDOW, controllerWindow: WINDOW, now: () => 0 })
    const a = m.forClient('User:ANONYMOUS', 'a')
    const b = m.forClient('User:ANONYMOUS', 'b')
    expect(a.produce?.quota).toBe(100)
    expect(a.produce?.meter).not.toBe(b.produce?.meter)
    const alice1 = m.forClient('User:alice', 'one')
    const alice2 = m.forClient('User:alice', 'two')
    expect(alice1.produce?.quota).toBe(200)
    expect(alice1.produce?.meter).toBe(alice2.produce?.meter)
    expect(a.fetch).toBeNull()
  })

  it('applies a changed quota to the next lookup and keeps the measured history', () => {
    const image = new MetadataImage()
    set(image, [client('c')], 'producer_byte_rate', 1000)
    const m = new QuotaManager(image, { window: WINDOW, controllerWindow: WINDOW, now: () => 0 })
    const before = m.forClient('User:ANONYMOUS', 'c')
    expect(m.recordRate(before.produce!, 12_000)).toBe(2000)
    set(image, [client('c')], 'producer_byte_rate', 2000)
    m.invalidate()
    const after = m.forClient('User:ANONYMOUS', 'c')
    expect(after.generation).not.toBe(before.generation)
    expect(after.produce?.quota).toBe(2000)
    expect(after.produce?.meter).toBe(before.produce?.meter)
    expect(m.recordRate(after.produce!, 0)).toBe(0)
    set(image, [client('c')], 'producer_byte_rate', null)
    m.invalidate()
    expect(m.active).toBe(false)
  })

  it('refuses mutations in strict mode only once the bucket is in debt; permissive mode throttles', () => {
    const image = new MetadataImage()
    set(image, [user(null)], 'controller_mutation_rate', 1)
    let now = 0
    const m = new QuotaManager(image, { window: WINDOW, controllerWindow: WINDOW, now: () => now })
    const strict = m.mutations('User:bob', 'x', true)
    expect(strict.refused()).toBe(false)
    strict.record(20)
    expect(strict.throttleMs).toBe(0)
    expect(strict.refused()).toBe(true)
    expect(strict.throttleMs).toBe(9000)
    now = 4000
    const permissive = m.mutations('User:bob', 'x', false)
    expect(permissive.refused()).toBe(false)
    permissive.record(1)
    expect(permissive.throttleMs).toBe(6000)
  })

  it('matches the principal name, ANONYMOUS included', () => {
    expect(quotaUser('User:alice')).toBe('alice')
    expect(quotaUser('User:ANONYMOUS')).toBe('ANONYMOUS')
  })
})

describe('KIP-219 versions', () => {
  it('lets clients throttle themselves from Produce v6 and Fetch v8 on, and for newer APIs always', () => {
    expect(clientThrottles(0, 5)).toBe(false)
    expect(clientThrottles(0, 6)).toBe(true)
    expect(clientThrottles(1, 7)).toBe(false)
    expect(clientThrottles(1, 8)).toBe(true)
    expect(clientThrottles(19, 2)).toBe(false)
    expect(clientThrottles(60, 0)).toBe(true)
  })
})
