// Crash recovery trims the aborted transaction index with the log: entries whose abort marker lay in the
// truncated tail go, earlier ones stay (Kafka's LogSegment.truncateTo truncates the .txnindex too).
import { existsSync } from 'node:fs'
import { readFile, rm, truncate, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CLEAN_SHUTDOWN_MARKER, LogManager } from '../../broker/storage/log-manager.ts'
import { logDirName, segmentFile } from '../../broker/storage/file-names.ts'
import {
  TXN_INDEX_ENTRY_SIZE,
  abortedIndexOf,
  decodeAbortedTxns,
  encodeAbortedTxn,
  truncateTxnIndexFile,
  txnIndexFileName,
  type AbortedTxn,
} from '../../broker/storage/txn-index.ts'
import type { PartitionLog } from '../../broker/storage/partition-log.ts'
import { batchOf, removeDir, tempDir } from '../storage/helpers.ts'

let root: string
let dir: string

beforeEach(async () => {
  root = await tempDir('strata-txnrec-')
  dir = join(root, logDirName('t', 0))
})

afterEach(async () => {
  await removeDir(root)
})

function abort(producerId: bigint, firstOffset: bigint, lastOffset: bigint): AbortedTxn {
  return { producerId, firstOffset, lastOffset, lastStableOffset: firstOffset }
}

async function writeIndex(base: bigint, entries: AbortedTxn[], extra = Buffer.alloc(0)): Promise<string> {
  const file = join(dir, txnIndexFileName(base))
  await writeFile(file, Buffer.concat([...entries.map(encodeAbortedTxn), extra]))
  return file
}

describe('.txnindex on crash recovery', () => {
  it('drops the entries beyond the truncated log end and keeps the earlier ones', async () => {
    let logs = await LogManager.open(root)
    const log = await logs.createLog('t', 0)
    for (let i = 0; i < 5; i++) await log.append(await batchOf(2)) // offsets 0-9, one segment
    await logs.close()
    // A crash mid-write: the last batch (offsets 8-9) is torn, and no clean-shutdown marker.
    const segment = segmentFile(dir, 0n, '.log')
    const size = (await readFile(segment)).length
    await truncate(segment, size - 5)
    await rm(join(root, CLEAN_SHUTDOWN_MARKER))
    const file = await writeIndex(0n, [
      abort(1n, 0n, 3n),
      abort(2n, 4n, 7n),
      abort(3n, 6n, 8n),
      abort(4n, 9n, 9n),
    ])

    logs = await LogManager.open(root)
    const recovered = logs.getLog('t', 0) as PartitionLog
    expect(recovered.logEndOffset).toBe(8n)
    expect(decodeAbortedTxns(await readFile(file)).map((e) => e.producerId)).toEqual([1n, 2n])
    const index = await abortedIndexOf(recovered)
    expect(index.overlapping(0n, 100n).map((e) => e.producerId)).toEqual([1n, 2n])
    await logs.close()
  })

  it('leaves the index of a clean shutdown alone', async () => {
    let logs = await LogManager.open(root)
    const log = await logs.createLog('t', 0)
    await log.append(await batchOf(2))
    await logs.close()
    const file = await writeIndex(0n, [abort(1n, 0n, 1n)])
    logs = await LogManager.open(root)
    expect(decodeAbortedTxns(await readFile(file))).toHaveLength(1)
    await logs.close()
  })
})

describe('truncateTxnIndexFile', () => {
  beforeEach(async () => {
    const logs = await LogManager.open(root)
    await logs.createLog('t', 0)
    await logs.close()
  })

  it('keeps a file with nothing beyond the end untouched and reports none dropped', async () => {
    const file = await writeIndex(10n, [abort(1n, 10n, 12n)])
    expect(await truncateTxnIndexFile(dir, 10n, 13n)).toBe(0)
    expect((await readFile(file)).length).toBe(TXN_INDEX_ENTRY_SIZE)
  })

  it('drops a torn last entry along with those beyond the end', async () => {
    const file = await writeIndex(10n, [abort(1n, 10n, 12n), abort(2n, 13n, 20n)], Buffer.alloc(7))
    expect(await truncateTxnIndexFile(dir, 10n, 15n)).toBe(1)
    expect((await readFile(file)).length).toBe(TXN_INDEX_ENTRY_SIZE)
  })

  it('removes a file left empty, and ignores a missing one', async () => {
    const file = await writeIndex(10n, [abort(1n, 10n, 12n)])
    expect(await truncateTxnIndexFile(dir, 10n, 10n)).toBe(1)
    expect(existsSync(file)).toBe(false)
    expect(await truncateTxnIndexFile(dir, 10n, 10n)).toBe(0)
  })
})
