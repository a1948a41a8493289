// `npm run fuzz`: every fuzz target for STRATA_FUZZ_SECONDS each (default 60), printing iterations and
// failures; exits 1 on any failure. STRATA_FUZZ_SEED fixes the seed to reproduce a run.
import { fuzzRecordBatches, fuzzRequestDecoder, fuzzSegmentRecovery } from './targets.ts'

const seconds = Number(process.env.STRATA_FUZZ_SECONDS ?? '60')
const seed = process.env.STRATA_FUZZ_SEED ? Number(process.env.STRATA_FUZZ_SEED) : Date.now()
console.log(`fuzz: ${seconds} s per target, seed ${seed}`)
let failed = false
for (const target of [fuzzRequestDecoder, fuzzRecordBatches, fuzzSegmentRecovery]) {
  const r = await target(seconds, seed)
  console.log(`${r.target}: ${r.iterations} inputs, ${r.failures.length} failures`)
  for (const f of r.failures) console.log(`  ${f}`)
  if (r.failures.length > 0) failed = true
}
process.exit(failed ? 1 : 0)
