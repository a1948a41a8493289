// Bounded fuzz runs for `npm test` (about 20 s in all); `npm run fuzz` runs the same targets longer
// (STRATA_FUZZ_SECONDS per target). A failure message carries the seed that reproduces it.
import { describe, expect, it } from 'vitest'
import { fuzzRecordBatches, fuzzRequestDecoder, fuzzSegmentRecovery } from './targets.ts'

const SECONDS = Number(process.env.STRATA_FUZZ_SECONDS ?? '6')
const SEED = process.env.STRATA_FUZZ_SEED ? Number(process.env.STRATA_FUZZ_SEED) : Date.now()
const TIMEOUT = (SECONDS + 60) * 1000

describe('fuzz', () => {
  it(
    'request decoder: only ProtocolError, no hang, no runaway allocation',
    { timeout: TIMEOUT },
    async () => {
      const r = await fuzzRequestDecoder(SECONDS, SEED)
      expect(r.iterations).toBeGreaterThan(0)
      expect(r.failures).toEqual([])
    },
  )

  it('record batches: only RecordBatchError, no hang', { timeout: TIMEOUT }, async () => {
    const r = await fuzzRecordBatches(SECONDS, SEED)
    expect(r.iterations).toBeGreaterThan(0)
    expect(r.failures).toEqual([])
  })

  it('segment recovery keeps exactly the valid prefix', { timeout: TIMEOUT }, async () => {
    const r = await fuzzSegmentRecovery(SECONDS, SEED)
    expect(r.iterations).toBeGreaterThan(0)
    expect(r.failures).toEqual([])
  })
})
