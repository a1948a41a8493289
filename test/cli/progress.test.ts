// The progress line is drawn only on a terminal, and erased when done.
import { describe, expect, it } from 'vitest'
import { Progress } from '../../broker/cli/progress.ts'

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: string[] } {
  const written: string[] = []
  const stream = {
    isTTY,
    write: (s: string) => {
      written.push(s)
      return true
    },
  } as unknown as NodeJS.WriteStream
  return { stream, written }
}

describe('Progress', () => {
  it('draws a percentage on a terminal and erases it when done', () => {
    const { stream, written } = fakeStream(true)
    const p = new Progress('dumping x.log', { total: 200, unit: 'bytes', stream })
    p.update(50)
    // Redraws are throttled: an immediate second update draws nothing.
    p.update(60)
    p.done()
    expect(written).toEqual(['\r\x1b[2Kdumping x.log: 25% (50/200 bytes)', '\r\x1b[2K'])
  })

  it('counts without a total', () => {
    const { stream, written } = fakeStream(true)
    const p = new Progress('producing to t', { unit: 'records', stream })
    p.update(1500)
    expect(written).toEqual(['\r\x1b[2Kproducing to t: 1500 records'])
  })

  it('writes nothing when the stream is not a terminal', () => {
    const { stream, written } = fakeStream(false)
    const p = new Progress('producing to t', { total: 10, stream })
    p.update(5)
    p.done()
    expect(written).toEqual([])
  })
})
