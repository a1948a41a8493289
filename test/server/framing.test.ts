import { describe, expect, it } from 'vitest'
import { FrameError, FrameReader } from '../../broker/server/framing.ts'

function frame(body: string | Buffer): Buffer {
  const b = typeof body === 'string' ? Buffer.from(body) : body
  const size = Buffer.alloc(4)
  size.writeInt32BE(b.length)
  return Buffer.concat([size, b])
}

/** Feeds `stream` as a socket with `onread` would: each read fills at most `readMax` bytes of the target. */
function readAll(r: FrameReader, stream: Buffer, readMax: number): Buffer[] {
  const frames: Buffer[] = []
  for (let pos = 0; pos < stream.length;) {
    const t = r.target()
    if (t.length === 0) throw new Error('empty target')
    const n = stream.copy(t, 0, pos, Math.min(stream.length, pos + readMax))
    pos += n
    frames.push(...r.filled(n))
  }
  return frames
}

describe('FrameReader', () => {
  it('keeps a size prefix that ended a chunk exactly for the next chunk', () => {
    const r = new FrameReader(1 << 20)
    const all = Buffer.concat([frame('first frame'), frame('second frame body')])
    const cut1 = 6
    const cut2 = 4 + 'first frame'.length + 4
    expect(r.push(all.subarray(0, cut1))).toEqual([])
    expect(r.push(all.subarray(cut1, cut2)).map(String)).toEqual(['first frame'])
    expect(r.push(all.subarray(cut2)).map(String)).toEqual(['second frame body'])
  })

  it('splits frames at every possible pair of chunk boundaries', () => {
    const bodies = ['a', 'bb', '', 'dddd', 'eeeee']
    const all = Buffer.concat(bodies.map((b) => frame(b)))
    for (let i = 0; i <= all.length; i++) {
      for (let j = i; j <= all.length; j++) {
        const r = new FrameReader(1 << 20)
        const got = [all.subarray(0, i), all.subarray(i, j), all.subarray(j)].flatMap((c) => r.push(c))
        expect(got.map(String)).toEqual(bodies)
      }
    }
  })

  it('reads frames of every size class intact, whatever the size of each read', () => {
    // Small (scratch), larger than the scratch (own buffer), and larger than a piece (joined at the end).
    const bodies = [1, 100, 32 * 1024 - 4, 32 * 1024, 200_000, 5 * 1024 * 1024 + 7, 3, 70_000].map((n, i) =>
      Buffer.alloc(n, i + 1).fill(i * 7 + 3, 0, Math.min(n, 10)),
    )
    const all = Buffer.concat(bodies.map((b) => frame(b)))
    // Byte-by-byte reads only over the first five frames: millions of calls otherwise.
    const firstFive = bodies.slice(0, 5).reduce((sum, b) => sum + 4 + b.length, 0)
    for (const readMax of [1, 7, 4096, 65536, all.length]) {
      const r = new FrameReader(16 << 20)
      const small = readMax < 4096
      const got = readAll(r, small ? all.subarray(0, firstFive) : all, readMax)
      const want = small ? bodies.slice(0, 5) : bodies
      expect(got.map((b) => b.length)).toEqual(want.map((b) => b.length))
      got.forEach((b, i) => expect(b.equals(want[i] as Buffer)).toBe(true))
    }
  })

  it('reads a large frame straight into the buffer it returns (no copy after the first read)', () => {
    const r = new FrameReader(1 << 20)
    const body = Buffer.alloc(100_000, 9)
    const all = frame(body)
    let target = r.target()
    let n = all.copy(target, 0, 0, 1000)
    expect(r.filled(n)).toEqual([])
    target = r.target()
    n = all.copy(target, 0, 1000)
    const [got] = r.filled(n)
    expect(got?.buffer).toBe(target.buffer)
    expect(got?.equals(body)).toBe(true)
  })

  it('refuses a negative size or one over the limit before allocating for it', () => {
    const neg = Buffer.alloc(4)
    neg.writeInt32BE(-1)
    expect(() => new FrameReader(1000).push(neg)).toThrow(FrameError)
    const big = Buffer.alloc(4)
    big.writeInt32BE(1001)
    expect(() => new FrameReader(1000).push(big)).toThrow(/exceeds socket.request.max.bytes/)
    const r = new FrameReader(1000)
    r.maxFrameBytes = 2000
    expect(r.push(frame(Buffer.alloc(1500, 1)))).toHaveLength(1)
  })

  it('copies frames out of the scratch, so later reads do not change frames already returned', () => {
    const r = new FrameReader(1 << 20)
    const [first] = r.push(frame('one'))
    r.push(frame('two'))
    expect(String(first)).toBe('one')
  })
})
