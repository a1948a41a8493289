// The chaos run: keyed idempotent producers (acks=all) and a consumer group (kafkajs) against a real broker
// process that a fault loop SIGKILLs and restarts, SIGSTOPs and SIGCONTs, or restarts with SIGTERM, at
// random moments. Optionally appends garbage to the active segment and index of every partition while the
// broker is down (a torn tail). Afterwards the broker is restarted cleanly, every partition is scanned twice,
// and the checker counts anomalies.
import { appendFile, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs'
import { readAllBatches } from '../../../broker/protocol/records/records.ts'
import { startBroker, type RunningBroker } from '../../helpers/broker-process.ts'
import { RawClient } from '../../helpers/raw-client.ts'
import { fetch } from '../../server/data-path-client.ts'
import { Rng } from '../../fuzz/targets.ts'
import { checkHistory, type ChaosCounts, type ChaosHistory, type ReadRecord } from './checker.ts'

export interface ChaosOptions {
  cycles: number
  /** Broker configs: the durable setting is log.flush.interval.messages=1. */
  config?: Record<string, string>
  producers?: number
  partitions?: number
  seed?: number
  /** Append garbage to active segments and indexes while the broker is down after a SIGKILL. */
  tornTails?: boolean
  /** How long the consumer group may take to read everything once the faults stop (default 15 s). */
  catchUpMs?: number
  /** Milliseconds of workload between faults: [min, max). */
  faultGapMs?: [number, number]
  log?: (line: string) => void
}

export interface ChaosReport {
  counts: ChaosCounts
  faults: Record<string, number>
  /** Sends that failed (not acknowledged: allowed to be lost or present). */
  failedSends: number
  /** Consumer crashes kafkajs reported (each followed by its own restart when retriable). */
  consumerCrashes: string[]
  /** Distinct acknowledged values the consumer group read during the run (its progress through the faults). */
  consumedAcknowledged: number
  /** Wall-clock seconds of the workload, for acknowledged writes per second. */
  seconds: number
  seed: number
}

const TOPIC = 'chaos'
const GROUP = 'chaos-group'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** Appends random bytes to the newest .log and .index of every partition directory. */
async function tearTails(dataDir: string, rng: Rng): Promise<void> {
  for (const entry of await readdir(dataDir, { withFileTypes: true })) {
    if (!entry.isDirectory() || !entry.name.startsWith(`${TOPIC}-`)) continue
    const dir = join(dataDir, entry.name)
    const files = (await readdir(dir)).sort()
    for (const suffix of ['.log', '.index']) {
      const newest = files.filter((f) => f.endsWith(suffix)).pop()
      if (newest !== undefined) await appendFile(join(dir, newest), rng.bytes(1 + rng.int(200)))
    }
  }
}

/** Reads every partition from offset 0 to the high watermark with raw Fetch v12 requests. */
async function scan(port: number, partitions: number): Promise<ReadRecord[]> {
  const c = await RawClient.connect(port)
  const out: ReadRecord[] = []
  try {
    for (let p = 0; p < partitions; p++) {
      let offset = 0n
      for (;;) {
        const res = await fetch(c, {
          maxWaitMs: 0,
          maxBytes: 1 << 20,
          topics: [
            { topic: TOPIC, partitions: [{ partition: p, fetchOffset: offset, partitionMaxBytes: 1 << 20 }] },
          ],
        })
        const part = res.responses[0]?.partitions[0]
        if (part === undefined || part.errorCode !== 0)
          throw new Error(`scan fetch failed: ${part?.errorCode}`)
        const records = part.records ?? Buffer.alloc(0)
        const batches = await readAllBatches(records)
        let advanced = false
        for (const b of batches) {
          for (const [i, r] of b.records.entries()) {
            if (r.offset < offset) continue
            out.push({
              partition: p,
              offset: r.offset,
              value: r.value?.toString() ?? '',
              producerId: b.header.producerId,
              sequence: b.header.baseSequence + i,
            })
            offset = r.offset + 1n
            advanced = true
          }
          const next = b.header.baseOffset + BigInt(b.header.lastOffsetDelta) + 1n
          if (next > offset) {
            offset = next
            advanced = true
          }
        }
        if (!advanced || offset >= part.highWatermark) break
      }
    }
  } finally {
    c.close()
  }
  return out
}

/**
 * Stops the broker with SIGTERM; if it has not exited after `ms`, logs the stall (a finding) and SIGKILLs it,
 * then starts it again on the same data directory and port.
 */
async function restartGracefully(
  broker: RunningBroker,
  config: Record<string, string>,
  log: (line: string) => void,
  ms = 15_000,
): Promise<RunningBroker> {
  broker.child.kill('SIGTERM')
  const exited = await Promise.race([broker.exited().then(() => true), sleep(ms).then(() => false)])
  if (!exited) {
    log(`broker did not exit ${ms} ms after SIGTERM; stderr tail: ${broker.stderr().slice(-1500)}`)
    await broker.kill('SIGKILL')
  }
  return startBroker({ config, dataDir: broker.dataDir, port: broker.port, logLevel: 'warn' })
}

export async function runChaos(opts: ChaosOptions): Promise<ChaosReport> {
  const seed = opts.seed ?? Date.now() % 0x7fffffff
  const rng = new Rng(seed)
  const log = opts.log ?? (() => {})
  const partitions = opts.partitions ?? 3
  const [gapMin, gapMax] = opts.faultGapMs ?? [300, 1200]
  const config = { 'group.initial.rebalance.delay.ms': '0', ...opts.config }
  let broker: RunningBroker = await startBroker({ config, logLevel: 'warn' })
  const { dataDir, port } = broker
  const kafka = new Kafka({
    clientId: 'chaos',
    brokers: [broker.bootstrap],
    logLevel: logLevel.NOTHING,
    connectionTimeout: 1000,
    requestTimeout: 4000,
    retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 },
  })
  const admin = kafka.admin()
  await admin.connect()
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: partitions }] })
  await admin.disconnect()

  const history: ChaosHistory = { acks: [], consumed: [], sessions: [], scans: [], commits: [] }
  const faults: Record<string, number> = { sigkill: 0, sigstop: 0, sigterm: 0, tornTail: 0 }
  let failedSends = 0
  let running = true

  // Producers: one message per send so each acknowledgement names its exact offset. A failed send is
  // unacknowledged; the producer is then replaced so that a later send never reuses its sequence.
  const producerLoop = async (name: string): Promise<void> => {
    let seq = 0
    let producer: Producer | null = null
    while (running) {
      try {
        if (producer === null) {
          producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 })
          await producer.connect()
        }
        const value = `${name}:${seq++}`
        const res = await producer.send({
          topic: TOPIC,
          acks: -1,
          messages: [{ key: `k${seq % 11}`, value }],
        })
        const meta = res[0]
        if (meta !== undefined && meta.errorCode === 0 && meta.baseOffset !== undefined) {
          history.acks.push({ partition: meta.partition, offset: BigInt(meta.baseOffset), value })
        }
      } catch {
        failedSends++
        const old = producer
        producer = null
        await old?.disconnect().catch(() => {})
        await sleep(100)
      }
    }
    await producer?.disconnect().catch(() => {})
  }

  // The consumer group: records every read, one session per partition assignment.
  const open = new Map<number, { partition: number; offsets: bigint[] }>()
  const newSessions = (): void => {
    for (const s of open.values()) history.sessions.push(s)
    open.clear()
  }
  const consumer: Consumer = kafka.consumer({
    groupId: GROUP,
    sessionTimeout: 6000,
    heartbeatInterval: 500,
    rebalanceTimeout: 6000,
    retry: { retries: 1000, initialRetryTime: 100, maxRetryTime: 1000 },
  })
  consumer.on(consumer.events.GROUP_JOIN, newSessions)
  const consumerCrashes: string[] = []
  consumer.on(consumer.events.CRASH, (e) => {
    consumerCrashes.push(
      `${e.payload.error.name}: ${e.payload.error.message} (restart: ${e.payload.restart})`,
    )
    newSessions()
  })
  await consumer.connect()
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true })
  await consumer.run({
    autoCommitInterval: 300,
    eachMessage: async ({ partition, message }) => {
      const offset = BigInt(message.offset)
      let s = open.get(partition)
      if (s === undefined) {
        s = { partition, offsets: [] }
        open.set(partition, s)
      }
      s.offsets.push(offset)
      history.consumed.push({
        partition,
        offset,
        value: message.value?.toString() ?? '',
        producerId: -1n,
        sequence: -1,
      })
    },
  })

  const observeCommits = async (): Promise<void> => {
    const a = kafka.admin()
    try {
      await a.connect()
      const res = await a.fetchOffsets({ groupId: GROUP, topics: [TOPIC] })
      for (const t of res) {
        for (const p of t.partitions) {
          if (p.offset !== '-1') history.commits.push({ partition: p.partition, offset: BigInt(p.offset) })
        }
      }
    } catch {
      // The broker may be down or stopped at this moment; the next observation will catch up.
    } finally {
      await a.disconnect().catch(() => {})
    }
  }

  const started = Date.now()
  let stopped: number
  const workers = Array.from({ length: opts.producers ?? 2 }, (_, i) => producerLoop(`p${i}`))
  try {
    for (let cycle = 0; cycle < opts.cycles; cycle++) {
      await sleep(gapMin + rng.int(gapMax - gapMin))
      const action = rng.int(10)
      if (action < 5) {
        faults.sigkill = (faults.sigkill ?? 0) + 1
        await broker.kill('SIGKILL')
        if (opts.tornTails && rng.int(2) === 0) {
          faults.tornTail = (faults.tornTail ?? 0) + 1
          await tearTails(dataDir, rng)
        }
        await sleep(rng.int(300))
        broker = await startBroker({ config, dataDir, port, logLevel: 'warn' })
      } else if (action < 8) {
        faults.sigstop = (faults.sigstop ?? 0) + 1
        broker.child.kill('SIGSTOP')
        await sleep(200 + rng.int(1500))
        broker.child.kill('SIGCONT')
      } else {
        faults.sigterm = (faults.sigterm ?? 0) + 1
        broker = await restartGracefully(broker, config, log)
      }
      log(
        `cycle ${cycle + 1}/${opts.cycles}: ${['kill', 'stop', 'term'][action < 5 ? 0 : action < 8 ? 1 : 2]}, ${history.acks.length} acked, ${history.consumed.length} consumed`,
      )
      await observeCommits()
    }
    // Stop producing, then give the consumer group a bounded time to catch up with a healthy broker.
    running = false
    await Promise.all(workers)
    const catchUpMs = opts.catchUpMs ?? 15_000
    for (let waited = 0; waited < catchUpMs; waited += 250) {
      const read = new Set(history.consumed.map((r) => r.value))
      if (history.acks.every((a) => read.has(a.value))) break
      await sleep(250)
    }
  } finally {
    running = false
    await Promise.all(workers)
    stopped = Date.now()
    log('producers stopped')
    await consumer.disconnect().catch(() => {})
    newSessions()
  }
  await observeCommits()
  log('restarting for the final scan')
  broker = await restartGracefully(broker, config, log)
  log('restarted')
  history.scans.push(await scan(port, partitions))
  history.scans.push(await scan(port, partitions))
  log('scanned')
  await broker.stop()
  const consumedValues = new Set(history.consumed.map((r) => r.value))
  const consumedAcknowledged = history.acks.filter((a) => consumedValues.has(a.value)).length
  return {
    counts: checkHistory(history),
    consumedAcknowledged,
    faults,
    failedSends,
    consumerCrashes,
    seconds: (stopped - started) / 1000,
    seed,
  }
}
