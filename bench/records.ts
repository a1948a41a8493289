// Micro-benchmark for the record batch hot paths: CRC-32C, header-only iteration and validation (what the
// broker does per produced batch), and, for scale, full record decoding. Prints MB/s; not a test.
// Run: node bench/records.ts
import { crc32c } from '../broker/protocol/records/crc32c.ts'
import { iterateBatches, validateBatch } from '../broker/protocol/records/batches.ts'
import { buildRecordBatch } from '../broker/protocol/records/builder.ts'
import { decodeRecords } from '../broker/protocol/records/records.ts'
import type { CompressionName } from '../broker/protocol/records/batch-header.ts'

const MB = 1024 * 1024

/** Runs `fn` (which processes `bytes` bytes) repeatedly for about `ms` milliseconds; returns MB/s. */
function throughput(bytes: number, fn: () => void, ms = 1000): number {
  fn() // warm-up
  let rounds = 0
  const start = performance.now()
  let elapsed = 0
  while (elapsed < ms) {
    fn()
    rounds++
    elapsed = performance.now() - start
  }
  return (bytes * rounds) / MB / (elapsed / 1000)
}

function report(name: string, mbPerSec: number): void {
  console.log(`${name.padEnd(64)} ${mbPerSec.toFixed(0).padStart(9)} MB/s`)
}

async function logOf(batchCount: number, recordsPerBatch: number, valueSize: number, codec: CompressionName) {
  const value = Buffer.alloc(valueSize, 0x61)
  const batches: Buffer[] = []
  let offset = 0n
  for (let i = 0; i < batchCount; i++) {
    const records = Array.from({ length: recordsPerBatch }, (_, j) => ({ key: `key-${j}`, value }))
    batches.push(await buildRecordBatch({ baseOffset: offset, records, compression: codec }))
    offset += BigInt(recordsPerBatch)
  }
  return Buffer.concat(batches)
}

const data = Buffer.alloc(16 * MB)
for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24
report(
  'crc32c, 16 MiB buffer',
  throughput(data.length, () => crc32c(data)),
)
const small = data.subarray(0, 1024)
report(
  'crc32c, 1 KiB buffers',
  throughput(small.length * 1000, () => {
    for (let i = 0; i < 1000; i++) crc32c(small)
  }),
)

for (const [batches, perBatch, valueSize] of [
  [1000, 100, 100],
  [200, 10, 10_000],
] as const) {
  const log = await logOf(batches, perBatch, valueSize, 'none')
  const label = `${batches} batches x ${perBatch} records x ${valueSize} B`
  report(
    `iterate headers, ${label}`,
    throughput(log.length, () => {
      let n = 0
      for (const v of iterateBatches(log)) n += v.recordCount
      if (n !== batches * perBatch) throw new Error('count mismatch')
    }),
  )
  report(
    `iterate + validate (CRC), ${label}`,
    throughput(log.length, () => {
      for (const v of iterateBatches(log)) {
        if (validateBatch(log, v.position, v.size) !== null) throw new Error('invalid batch')
      }
    }),
  )
  report(
    `decode all records, ${label}`,
    throughput(log.length, () => {
      for (const v of iterateBatches(log)) decodeRecords(v)
    }),
  )
}
