import { describe, expect, it } from 'vitest'
import { HeldBytes, SegmentTail } from '../../broker/storage/recent-bytes.ts'
import { readBuffers } from '../../broker/storage/read-buffers.ts'

/** A buffer that owns its memory, so its cost is its length. */
function owned(text: string): Buffer {
  const b = Buffer.alloc(text.length)
  b.write(text)
  return b
}

describe('HeldBytes', () => {
  it('drops the least recently updated holdings beyond its limit', () => {
    const held = new HeldBytes(10)
    const dropped: string[] = []
    const a = {}
    const b = {}
    const c = {}
    held.hold(a, 4, () => dropped.push('a'))
    held.hold(b, 4, () => dropped.push('b'))
    held.hold(a, 5, () => dropped.push('a'))
    held.hold(c, 3, () => dropped.push('c'))
    expect(dropped).toEqual(['b'])
    expect(held.total).toBe(8)
    held.release(a)
    expect(held.total).toBe(3)
  })
})

describe('SegmentTail', () => {
  it('serves reads inside the appended tail, by reference within one buffer', () => {
    const tail = new SegmentTail()
    const first = owned('abcdef')
    tail.push(first, 100)
    tail.push(owned('ghij'), 106)
    const view = tail.read(101, 3)
    expect(view?.toString()).toBe('bcd')
    expect(view?.buffer).toBe(first.buffer)
    expect(tail.read(104, 5)?.toString()).toBe('efghi')
    expect(tail.read(99, 2)).toBeNull()
    expect(tail.read(108, 3)).toBeNull()
    tail.clear()
    expect(tail.read(101, 3)).toBeNull()
  })

  it('copies a large read that spans several appends into one pooled buffer', () => {
    const tail = new SegmentTail()
    const parts = [400_000, 300_000, 500_000].map((n, i) => Buffer.alloc(n, 65 + i))
    let at = 0
    for (const p of parts) {
      tail.push(p, at)
      at += p.length
    }
    const read = tail.read(100_000, 1_000_000)
    expect(read?.length).toBe(1_000_000)
    expect(readBuffers.owns(read as Buffer)).toBe(true)
    expect(read?.equals(Buffer.concat(parts).subarray(100_000, 1_100_000))).toBe(true)
  })

  it('starts over when an append does not continue the tail', () => {
    const tail = new SegmentTail()
    tail.push(owned('abc'), 0)
    tail.push(owned('xyz'), 10)
    expect(tail.holds(0, 3)).toBe(false)
    expect(tail.read(10, 3)?.toString()).toBe('xyz')
  })
})
