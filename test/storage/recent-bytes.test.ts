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
  it('serves reads inside the appended tail: small ones copied, larger ones by reference in one buffer', () => {
    const tail = new SegmentTail()
    const first = Buffer.alloc(10_000, 'a')
    first.write('bcd', 1)
    tail.push(first, 100)
    tail.push(owned('ghij'), 10_100)
    const small = tail.read(101, 3)
    expect(small?.toString()).toBe('bcd')
    expect(small?.buffer).not.toBe(first.buffer)
    const view = tail.read(101, 9000)
    expect(view?.buffer).toBe(first.buffer)
    expect(view?.subarray(0, 3).toString()).toBe('bcd')
    expect(tail.read(10_098, 5)?.toString()).toBe('aaghi')
    expect(tail.read(99, 2)).toBeNull()
    expect(tail.read(10_102, 3)).toBeNull()
    tail.clear()
    expect(tail.read(101, 3)).toBeNull()
  })

  it('holds a reference to each pooled buffer it keeps and hands out, so none is reused while read', () => {
    const MiB = 1024 * 1024
    const tail = new SegmentTail()
    // A produce frame: the connection took it, the tail keeps its records, then the request is done.
    const frame = readBuffers.take(MiB)
    frame.fill(7)
    tail.push(frame.subarray(100), 0)
    readBuffers.give(frame)
    // A fetch holds a view until its response is written.
    const view = tail.read(0, 64 * 1024) as Buffer
    expect(view.buffer).toBe(frame.buffer)
    // Appends push the frame out of the tail (2 MiB kept at most).
    for (let at = MiB - 100; at < 4 * MiB; at += MiB) tail.push(Buffer.alloc(MiB, 1), at)
    expect(tail.holds(0, 10)).toBe(false)
    const next = readBuffers.take(MiB)
    expect(next.buffer).not.toBe(frame.buffer)
    expect(view.every((b) => b === 7)).toBe(true)
    readBuffers.give(view)
    expect(readBuffers.take(MiB).buffer).toBe(frame.buffer)
    tail.clear()
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
