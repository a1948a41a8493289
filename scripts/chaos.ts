// `npm run chaos`: the crash-consistency run against a real broker process, with the durable flush
// setting (log.flush.interval.messages=1) and then with the default local-development setting, printing
// the checker's counts for each. STRATA_CHAOS_CYCLES (default 50), STRATA_CHAOS_SEED, STRATA_CHAOS_MODES
// (comma-separated: durable,default). Exits 1 when the durable run shows any anomaly.
import { isClean } from '../test/reliability/chaos/checker.ts'
import { runChaos } from '../test/reliability/chaos/run-chaos.ts'

const cycles = Number(process.env.STRATA_CHAOS_CYCLES ?? '50')
const seed = process.env.STRATA_CHAOS_SEED ? Number(process.env.STRATA_CHAOS_SEED) : undefined
const modes = (process.env.STRATA_CHAOS_MODES ?? 'durable,default').split(',')
const settings: Record<string, Record<string, string>> = {
  durable: { 'log.flush.interval.messages': '1' },
  default: {},
}

let failed = false
for (const mode of modes) {
  const config = settings[mode]
  if (config === undefined) throw new Error(`unknown mode ${mode} (durable, default)`)
  console.log(`chaos (${mode}): ${cycles} cycles`)
  const report = await runChaos({ cycles, config, seed, tornTails: true, log: (l) => console.log(`  ${l}`) })
  console.log(
    `chaos (${mode}) seed ${report.seed}: faults ${JSON.stringify(report.faults)}, failed sends ${report.failedSends}, ${Math.round(report.counts.acknowledged / report.seconds)} acknowledged writes/s`,
  )
  for (const c of report.consumerCrashes) console.log(`chaos (${mode}) consumer crash: ${c}`)
  console.log(`chaos (${mode}) counts: ${JSON.stringify(report.counts)}`)
  console.log(`chaos (${mode}) the consumer group read ${report.consumedAcknowledged} of them during the run`)
  if (mode === 'durable' && !isClean(report.counts)) failed = true
}
process.exit(failed ? 1 : 0)
