import { describe, expect, it } from 'vitest'
import { FetchWaiters } from '../../broker/server/fetch-waiters.ts'

describe('FetchWaiters', () => {
  it('wakes a waiter when one of its partitions is notified, and cleans up', async () => {
    const w = new FetchWaiters()
    const p = w.wait(['a', 'b'], 60_000)
    expect(w.waiters('b')).toBe(1)
    w.notify('c')
    w.notify('b')
    expect(await p).toBe(true)
    expect(w.waiters('a')).toBe(0)
    expect(w.waiters('b')).toBe(0)
  })

  it('resolves false on timeout and on abort', async () => {
    const w = new FetchWaiters()
    expect(await w.wait(['a'], 0)).toBe(false)
    const ac = new AbortController()
    const p = w.wait(['a'], 60_000, ac.signal)
    ac.abort()
    expect(await p).toBe(false)
    expect(w.waiters('a')).toBe(0)
  })

  it('answers every waiter at close, and parks no new one', async () => {
    const w = new FetchWaiters()
    const a = w.wait(['a'], 60_000)
    const b = w.wait(['b'], 60_000)
    w.close()
    expect(await Promise.all([a, b])).toEqual([false, false])
    expect(await w.wait(['a'], 60_000)).toBe(false)
    expect(w.waiters('a')).toBe(0)
  })
})
