// Files beside the segments that other parts of the broker write: the aborted transaction index
// (`<segment base>.txnindex`, one per segment) and producer state snapshots (`<offset>.snapshot`, Kafka's
// names). They go when the log data they describe goes: a deleted segment takes its .txnindex and the
// snapshots below the new log start with it (the newest snapshot stays, as in Kafka, since it may hold
// producers whose batches are all gone), through the same `.deleted` rename and delayed unlink.
import { readdir, rename, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { DELETED_SUFFIX, offsetFileStem } from './file-names.ts'
import { TXN_INDEX_SUFFIX } from './txn-index.ts'

export const SNAPSHOT_SUFFIX = '.snapshot'
const SNAPSHOT_NAME = /^\d{20}\.snapshot$/

/** Offsets of the producer snapshots in `dir`, ascending. */
export async function snapshotOffsets(dir: string): Promise<bigint[]> {
  return (await readdir(dir))
    .filter((n) => SNAPSHOT_NAME.test(n))
    .map((n) => BigInt(n.slice(0, 20)))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
}

function snapshotPath(dir: string, offset: bigint): string {
  return join(dir, offsetFileStem(offset) + SNAPSHOT_SUFFIX)
}

/**
 * Renames the siblings of deleted segments to `.deleted`: the .txnindex of each base in `bases`, and every
 * snapshot below `logStart` but the newest snapshot. Returns the new paths, for the delayed unlink.
 */
export async function retireSiblings(
  dir: string,
  bases: readonly bigint[],
  logStart: bigint,
): Promise<string[]> {
  const paths = bases.map((b) => join(dir, offsetFileStem(b) + TXN_INDEX_SUFFIX))
  const snapshots = await snapshotOffsets(dir)
  for (const offset of snapshots.slice(0, -1)) if (offset < logStart) paths.push(snapshotPath(dir, offset))
  const moved: string[] = []
  for (const path of paths) {
    try {
      await rename(path, path + DELETED_SUFFIX)
      moved.push(path + DELETED_SUFFIX)
    } catch (err) {
      // Most segments have no .txnindex; a snapshot may have been pruned by producer state meanwhile.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
  }
  return moved
}

export async function deleteFiles(paths: readonly string[]): Promise<void> {
  await Promise.all(paths.map((p) => rm(p, { force: true })))
}

/**
 * Deletes the snapshots at or below `offset`. Compaction calls it before it swaps in a segment without a
 * transaction marker: a snapshot taken while that transaction was open would otherwise replay into a
 * transaction that never ends (Kafka's snapshots sit at segment boundaries past the cleaned range; ours
 * are taken at arbitrary log ends). Producer state is then rebuilt from an older snapshot or the log.
 */
export async function deleteSnapshotsUpTo(dir: string, offset: bigint): Promise<void> {
  for (const s of await snapshotOffsets(dir)) if (s <= offset) await rm(snapshotPath(dir, s), { force: true })
}
