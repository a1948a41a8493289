// The offset and time indexes over their shared fixed-entry base: appends past the initial buffer, lookups,
// truncation, reload from file bytes, and the sanity checks that send a segment to recovery.
import { describe, expect, it } from 'vitest'
import { OffsetIndex } from '../../broker/storage/offset-index.ts'
import { TimeIndex } from '../../broker/storage/time-index.ts'

describe('OffsetIndex', () => {
  it('grows, looks up floors, truncates by position and reloads from its bytes', () => {
    const index = new OffsetIndex(1000n)
    for (let i = 0; i < 200; i++) index.append(1000n + BigInt(i * 10 + 9), i * 100)
    index.append(1005n, 99_999) // not above the last entry: ignored
    expect(index.count).toBe(200)
    expect(index.lookup(999n)).toEqual({ offset: 1000n, position: 0 })
    expect(index.lookup(1100n)).toEqual({ offset: 1099n, position: 900 })
    expect(index.lastEntry()).toEqual({ offset: 2999n, position: 19_900 })
    const again = new OffsetIndex(1000n, index.toBuffer())
    expect(again.entry(150)).toEqual(index.entry(150))
    expect(again.sanityError(again.sizeInBytes, 20_000)).toBeNull()
    expect(again.sanityError(again.sizeInBytes, 19_900)).toBe('entry 199 points past the end of the log')
    expect(again.sanityError(again.sizeInBytes + 3, 20_000)).toBe(
      `size ${again.sizeInBytes + 3} is not a multiple of 8`,
    )
    again.truncateEntries(again.entriesBelowPosition(550))
    expect(again.count).toBe(6)
    expect(again.dirty).toBe(true)
  })

  it('rejects entries that are not increasing', () => {
    const bytes = Buffer.alloc(16)
    bytes.writeInt32BE(5, 0)
    bytes.writeInt32BE(100, 4)
    bytes.writeInt32BE(5, 8)
    bytes.writeInt32BE(200, 12)
    expect(new OffsetIndex(0n, bytes).sanityError(16, 1000)).toBe('entry 1 is not above the previous one')
  })
})

describe('TimeIndex', () => {
  it('appends only growing timestamps, looks up and truncates by offset', () => {
    const index = new TimeIndex(50n)
    for (let i = 0; i < 100; i++) index.maybeAppend(BigInt(10_000 + i * 10), 50n + BigInt(i * 2))
    index.maybeAppend(10_000n, 500n) // timestamp not above the last: ignored
    expect(index.count).toBe(100)
    expect(index.lookup(9_999n)).toEqual({ timestamp: -1n, offset: 50n })
    expect(index.lookup(10_015n)).toEqual({ timestamp: 10_010n, offset: 52n })
    const again = new TimeIndex(50n, index.toBuffer())
    expect(again.lastEntry()).toEqual({ timestamp: 10_990n, offset: 248n })
    expect(again.sanityError(again.sizeInBytes, 249n)).toBeNull()
    expect(again.sanityError(again.sizeInBytes, 248n)).toBe('entry 99 points past the end of the log')
    again.truncateToOffset(60n)
    expect(again.count).toBe(5)
  })
})
