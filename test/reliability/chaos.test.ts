// Crash consistency, short version: a handful of fault cycles (SIGKILL with torn tails, SIGSTOP/SIGCONT,
// SIGTERM) under idempotent acks=all producers and a consumer group, with the durable flush setting.
// `npm run chaos` runs 50 cycles with both flush settings. The checker is tested on known anomalies first.
import { describe, expect, it } from 'vitest'
import { checkHistory, isClean, type ChaosHistory } from './chaos/checker.ts'
import { runChaos } from './chaos/run-chaos.ts'

const r = (partition: number, offset: bigint, value: string, producerId = 1n, sequence = 0) => ({
  partition,
  offset,
  value,
  producerId,
  sequence,
})

describe('chaos checker', () => {
  it('counts each kind of anomaly', () => {
    const h: ChaosHistory = {
      acks: [
        { partition: 0, offset: 0n, value: 'a' },
        { partition: 0, offset: 1n, value: 'b' },
        { partition: 0, offset: 2n, value: 'lost' },
      ],
      consumed: [r(0, 1n, 'other')],
      sessions: [{ partition: 0, offsets: [0n, 1n, 1n] }],
      scans: [[r(0, 0n, 'a', 1n, 0), r(0, 1n, 'b', 1n, 1), r(0, 3n, 'a', 1n, 0)]],
      commits: [
        { partition: 0, offset: 2n },
        { partition: 0, offset: 1n },
      ],
    }
    expect(checkHistory(h)).toEqual({
      acknowledged: 3,
      read: 3,
      lostWrites: 1,
      duplicates: 1,
      inconsistentOffsets: 1,
      nonMonotonicReads: 1,
      committedOffsetsBackwards: 1,
    })
  })

  it('finds nothing in a clean history', () => {
    const h: ChaosHistory = {
      acks: [{ partition: 0, offset: 0n, value: 'a' }],
      consumed: [r(0, 0n, 'a')],
      sessions: [{ partition: 0, offsets: [0n] }],
      scans: [[r(0, 0n, 'a')], [r(0, 0n, 'a')]],
      commits: [{ partition: 0, offset: 1n }],
    }
    expect(isClean(checkHistory(h))).toBe(true)
  })
})

describe('chaos (short)', () => {
  it(
    'loses, duplicates and reorders nothing acknowledged across SIGKILL, SIGSTOP and restarts',
    { timeout: 150_000 },
    async () => {
      const report = await runChaos({
        cycles: Number(process.env.STRATA_CHAOS_CYCLES ?? '4'),
        config: { 'log.flush.interval.messages': '1' },
        tornTails: true,
        faultGapMs: [300, 900],
      })
      expect(report.counts.acknowledged).toBeGreaterThan(0)
      expect(report.counts).toMatchObject({
        lostWrites: 0,
        duplicates: 0,
        inconsistentOffsets: 0,
        nonMonotonicReads: 0,
        committedOffsetsBackwards: 0,
      })
    },
  )
})
