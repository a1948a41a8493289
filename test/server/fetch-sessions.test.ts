import { describe, expect, it } from 'vitest'
import { FetchSessionCache, type RequestedPartition } from '../../broker/server/fetch-sessions.ts'

function part(topicKey: string, partition: number, fetchOffset = 0n): RequestedPartition {
  return { topicKey, partition, fetchOffset, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1 }
}

const quiet = { errorCode: 0, recordBytes: 0, highWatermark: 10n, lastStableOffset: 10n, logStartOffset: 0n }

describe('FetchSessionCache', () => {
  it('serves a sessionless full fetch without creating a session', () => {
    const cache = new FetchSessionCache()
    const ctx = cache.newContext(0, -1, [part('a', 0)], [])
    expect(ctx).toMatchObject({ kind: 'full', sessionId: 0, session: undefined })
    expect(cache.size).toBe(0)
  })

  it('opens a session, then fetches incrementally and answers only changed partitions', () => {
    const cache = new FetchSessionCache()
    const full = cache.newContext(0, 0, [part('a', 0), part('a', 1)], [])
    if (full.kind !== 'full' || full.session === undefined) throw new Error('no session')
    const id = full.sessionId
    expect(id).toBeGreaterThan(0)
    for (const p of full.partitions) expect(full.session.update(p, quiet, false)).toBe(true)

    const inc = cache.newContext(id, 1, [], [])
    if (inc.kind !== 'incremental') throw new Error(inc.kind)
    expect(inc.partitions.map((p) => p.partition)).toEqual([0, 1])
    const [p0, p1] = inc.partitions
    if (p0 === undefined || p1 === undefined) throw new Error('missing')
    expect(inc.session.update(p0, quiet, true)).toBe(false)
    expect(inc.session.update(p1, { ...quiet, highWatermark: 11n }, true)).toBe(true)

    const inc2 = cache.newContext(id, 2, [part('a', 0, 5n)], [])
    if (inc2.kind !== 'incremental') throw new Error(inc2.kind)
    expect(inc2.partitions.find((p) => p.partition === 0)?.fetchOffset).toBe(5n)
    const p = inc2.partitions[0]
    if (p === undefined) throw new Error('missing')
    expect(inc2.session.update(p, { ...quiet, recordBytes: 100 }, true)).toBe(true)
    expect(inc2.session.update(p, { ...quiet, errorCode: 1 }, true)).toBe(true)
  })

  it('moves partitions that returned data to the back of the fetch order', () => {
    const cache = new FetchSessionCache()
    const full = cache.newContext(0, 0, [part('a', 0), part('a', 1), part('a', 2)], [])
    if (full.kind !== 'full' || full.session === undefined) throw new Error('no session')
    const first = full.partitions[0]
    if (first === undefined) throw new Error('missing')
    full.session.update(first, { ...quiet, recordBytes: 10 }, false)
    const inc = cache.newContext(full.sessionId, 1, [], [])
    if (inc.kind !== 'incremental') throw new Error(inc.kind)
    expect(inc.partitions.map((p) => p.partition)).toEqual([1, 2, 0])
  })

  it('removes forgotten partitions and adds new ones', () => {
    const cache = new FetchSessionCache()
    const full = cache.newContext(0, 0, [part('a', 0), part('b', 0)], [])
    const inc = cache.newContext(
      full.kind === 'full' ? full.sessionId : 0,
      1,
      [part('c', 3)],
      [{ topicKey: 'a', partitions: [0] }],
    )
    if (inc.kind !== 'incremental') throw new Error(inc.kind)
    expect(inc.partitions.map((p) => `${p.topicKey}-${p.partition}`)).toEqual(['b-0', 'c-3'])
  })

  it('answers an unknown session id and a wrong epoch with their errors', () => {
    const cache = new FetchSessionCache()
    expect(cache.newContext(12345, 1, [], [])).toEqual({
      kind: 'error',
      errorCode: 'FETCH_SESSION_ID_NOT_FOUND',
    })
    const full = cache.newContext(0, 0, [part('a', 0)], [])
    const id = full.kind === 'full' ? full.sessionId : 0
    expect(cache.newContext(id, 5, [], [])).toEqual({
      kind: 'error',
      errorCode: 'INVALID_FETCH_SESSION_EPOCH',
    })
    expect(cache.newContext(id, 1, [], []).kind).toBe('incremental')
    // A replayed epoch is refused too.
    expect(cache.newContext(id, 1, [], []).kind).toBe('error')
  })

  it('closes a session with the final epoch', () => {
    const cache = new FetchSessionCache()
    const full = cache.newContext(0, 0, [part('a', 0)], [])
    const id = full.kind === 'full' ? full.sessionId : 0
    expect(cache.newContext(id, -1, [part('a', 0)], [])).toMatchObject({ kind: 'full', sessionId: 0 })
    expect(cache.size).toBe(0)
    expect(cache.newContext(id, 1, [], []).kind).toBe('error')
  })

  it('evicts the least recently used idle session when full, and goes sessionless otherwise', () => {
    let now = 0
    const cache = new FetchSessionCache({ maxSessions: 2, evictionMs: 1000, now: () => now })
    const s1 = cache.newContext(0, 0, [part('a', 0)], [])
    const s2 = cache.newContext(0, 0, [part('a', 1)], [])
    const id1 = s1.kind === 'full' ? s1.sessionId : 0
    const id2 = s2.kind === 'full' ? s2.sessionId : 0
    now = 500
    expect(cache.newContext(id1, 1, [], []).kind).toBe('incremental')
    // Both used within the eviction time: no room.
    expect(cache.newContext(0, 0, [part('a', 2)], [])).toMatchObject({ kind: 'full', sessionId: 0 })
    now = 1200
    // Session 2 (idle since 0) is the least recently used and idle long enough.
    const s3 = cache.newContext(0, 0, [part('a', 2)], [])
    expect(s3.kind === 'full' && s3.sessionId).toBeGreaterThan(0)
    expect(cache.get(id2)).toBeUndefined()
    expect(cache.get(id1)).toBeDefined()
  })
})
