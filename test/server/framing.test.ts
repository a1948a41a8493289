import { describe, expect, it } from 'vitest'
import { FrameDecoder } from '../../broker/server/framing.ts'

function frame(body: string): Buffer {
  const b = Buffer.alloc(4 + body.length)
  b.writeInt32BE(body.length)
  b.write(body, 4)
  return b
}

describe('FrameDecoder', () => {
  it('keeps a size prefix that ended a chunk exactly (nothing else buffered) for the next chunk', () => {
    const d = new FrameDecoder(1 << 20)
    const a = frame('first frame')
    const b = frame('second frame body')
    // Chunk 1: part of frame a. Chunk 2: the rest of a and exactly the 4-byte prefix of b. Chunk 3: b's body.
    const all = Buffer.concat([a, b])
    const cut1 = 6
    const cut2 = a.length + 4
    expect(d.push(all.subarray(0, cut1))).toEqual([])
    expect(d.push(all.subarray(cut1, cut2)).map(String)).toEqual(['first frame'])
    expect(d.buffered).toBe(0)
    expect(d.push(all.subarray(cut2)).map(String)).toEqual(['second frame body'])
  })

  it('splits frames at every possible chunk boundary', () => {
    const bodies = ['a', 'bb', '', 'dddd', 'eeeee']
    const all = Buffer.concat(bodies.map(frame))
    for (let i = 0; i <= all.length; i++) {
      for (let j = i; j <= all.length; j++) {
        const d = new FrameDecoder(1 << 20)
        const got = [all.subarray(0, i), all.subarray(i, j), all.subarray(j)].flatMap((c) => d.push(c))
        expect(got.map(String)).toEqual(bodies)
      }
    }
  })
})
