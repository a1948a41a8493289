// The read-buffer pool: exact-length views, reuse by capacity class, ownership, references, double gives,
// the free limit.
import { describe, expect, it, vi } from 'vitest'
import { ReadBuffers } from '../../broker/storage/read-buffers.ts'

const MiB = 1024 * 1024

describe('ReadBuffers', () => {
  it('hands out small reads as plain buffers it does not own', () => {
    const pool = new ReadBuffers(32 * MiB, 60_000)
    const b = pool.take(1000)
    expect(b.length).toBe(1000)
    expect(pool.owns(b)).toBe(false)
    pool.give(b)
    expect(pool.freeBytes).toBe(0)
  })

  it('reuses a given-back buffer for the next read of the same size class', () => {
    const pool = new ReadBuffers(32 * MiB, 60_000)
    const a = pool.take(8 * MiB + 12)
    expect(a.length).toBe(8 * MiB + 12)
    expect(pool.owns(a.subarray(100, 200))).toBe(true)
    pool.give(a.subarray(0, 5000))
    expect(pool.freeBytes).toBe(8 * MiB + 64 * 1024)
    const b = pool.take(8 * MiB + 1000)
    expect(b.buffer).toBe(a.buffer)
    expect(b.length).toBe(8 * MiB + 1000)
    expect(pool.freeBytes).toBe(0)
  })

  it('does not hand out a buffer of another size class', () => {
    const pool = new ReadBuffers(32 * MiB, 60_000)
    const a = pool.take(MiB)
    pool.give(a)
    expect(pool.take(2 * MiB).buffer).not.toBe(a.buffer)
  })

  it('ignores a second give of a buffer that is already free', () => {
    const pool = new ReadBuffers(32 * MiB, 60_000)
    const a = pool.take(MiB)
    pool.give(a)
    pool.give(a)
    expect(pool.freeBytes).toBe(MiB)
    const b = pool.take(MiB)
    const c = pool.take(MiB)
    expect(b.buffer).toBe(a.buffer)
    expect(c.buffer).not.toBe(a.buffer)
  })

  it('reuses a buffer only once every reference is given back', () => {
    const pool = new ReadBuffers(32 * MiB, 60_000)
    const a = pool.take(MiB)
    pool.retain(a.subarray(10, 20))
    pool.retain(a)
    pool.give(a)
    pool.give(a.subarray(500))
    expect(pool.freeBytes).toBe(0)
    expect(pool.take(MiB).buffer).not.toBe(a.buffer)
    pool.give(a)
    expect(pool.freeBytes).toBe(MiB)
    // A retain of a free buffer is no reference: it does not keep the buffer from the next take.
    pool.retain(a)
    expect(pool.take(MiB).buffer).toBe(a.buffer)
  })

  it('evicts past a size class whose free buffers were all taken again', () => {
    const pool = new ReadBuffers(3 * MiB, 60_000)
    pool.give(pool.take(2 * MiB))
    const again = pool.take(2 * MiB)
    const small = [pool.take(MiB), pool.take(MiB), pool.take(MiB), pool.take(MiB)]
    for (const b of small) pool.give(b)
    expect(pool.freeBytes).toBe(3 * MiB)
    pool.give(again)
    expect(pool.freeBytes).toBe(3 * MiB)
  })

  it('ignores buffers it did not hand out', () => {
    const pool = new ReadBuffers(32 * MiB, 60_000)
    pool.give(Buffer.allocUnsafeSlow(MiB))
    expect(pool.freeBytes).toBe(0)
  })

  it('keeps at most its limit of free bytes and forgets what it dropped', () => {
    const pool = new ReadBuffers(3 * MiB, 60_000)
    const taken = [pool.take(MiB), pool.take(MiB), pool.take(MiB), pool.take(MiB)]
    for (const b of taken) pool.give(b)
    expect(pool.freeBytes).toBe(3 * MiB)
    const dropped = taken[0] as Buffer
    expect(pool.owns(dropped)).toBe(false)
    pool.give(dropped)
    expect(pool.freeBytes).toBe(3 * MiB)
  })

  it('lets every free buffer go after it has been idle', () => {
    vi.useFakeTimers()
    try {
      const pool = new ReadBuffers(32 * MiB, 1000)
      pool.give(pool.take(MiB))
      vi.advanceTimersByTime(600)
      pool.give(pool.take(MiB))
      vi.advanceTimersByTime(600)
      expect(pool.freeBytes).toBe(MiB)
      vi.advanceTimersByTime(600)
      expect(pool.freeBytes).toBe(0)
    } finally {
      vi.useRealTimers()
    }
  })
})
