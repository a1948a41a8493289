// Producer state loads in the background when logs are opened or created, so a consumer's first
// READ_COMMITTED fetch (which waits for it, to know the last stable offset) does not replay the log.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { buildRecordBatch } from '../../broker/protocol/records/builder.ts'
import { openDataPath, preloadProducers, producersOf, type DataPath } from '../../broker/server/data-path.ts'
import { LogManager } from '../../broker/storage/log-manager.ts'
import { PartitionLog } from '../../broker/storage/partition-log.ts'
import { batchOf, removeDir, tempDir } from '../storage/helpers.ts'

let root: string
let logs: LogManager
let dataPath: DataPath

beforeEach(async () => {
  root = await tempDir('strata-preload-')
  logs = await LogManager.open(root)
  dataPath = await openDataPath(root)
})

afterEach(async () => {
  vi.restoreAllMocks()
  await dataPath.close()
  await logs.close()
  await removeDir(root)
})

/** A crash-like restart: the logs reopen, but no producer snapshot was written at the log end. */
async function restart(): Promise<PartitionLog> {
  await logs.close()
  logs = await LogManager.open(root)
  dataPath = await openDataPath(root)
  return logs.getLog('t', 0) as PartitionLog
}

describe('producer state preloading', () => {
  it('loads a plain producer’s partition at start-up, so the first READ_COMMITTED use replays nothing', async () => {
    const first = await logs.createLog('t', 0)
    for (let i = 0; i < 5; i++) await first.append(await batchOf(3))
    const log = await restart()
    const replays = vi.spyOn(PartitionLog.prototype, 'batchHeaders')

    await preloadProducers(
      dataPath,
      logs.partitions().map((e) => e.log),
    )
    expect(replays).toHaveBeenCalledTimes(1)
    replays.mockClear()

    await producersOf(dataPath, log)
    expect(replays).not.toHaveBeenCalled()
    expect(log.lastStableOffset).toBe(15n)
  })

  it('bounds the last stable offset by a transaction left open before the restart', async () => {
    const first = await logs.createLog('t', 0)
    await first.append(await batchOf(2))
    const open = await buildRecordBatch({
      records: [{ value: 'x' }],
      transactional: true,
      producerId: 7n,
      producerEpoch: 0,
      baseSequence: 0,
    })
    await first.append(open)
    await first.append(await batchOf(2))
    const log = await restart()

    await preloadProducers(dataPath, [log])
    expect(log.highWatermark).toBe(5n)
    expect(log.lastStableOffset).toBe(2n)
  })

  it('has nothing to replay for a newly created log', async () => {
    const replays = vi.spyOn(PartitionLog.prototype, 'batchHeaders')
    const log = await logs.createLog('t', 0)
    await preloadProducers(dataPath, [log])
    await log.append(await batchOf(4))
    await producersOf(dataPath, log)
    expect(replays).not.toHaveBeenCalled()
  })

  it('leaves a failed load to the next request, which reports the error', async () => {
    const first = await logs.createLog('t', 0)
    await first.append(await batchOf(2))
    const log = await restart()
    const replays = vi.spyOn(PartitionLog.prototype, 'batchHeaders').mockImplementationOnce(() => {
      throw new Error('disk went away')
    })

    await expect(preloadProducers(dataPath, [log])).resolves.toBeUndefined()
    await expect(producersOf(dataPath, log)).resolves.toBeDefined()
    expect(replays).toHaveBeenCalledTimes(2)

    replays.mockImplementation(() => {
      throw new Error('disk went away')
    })
    const again = await restart()
    await preloadProducers(dataPath, [again])
    await expect(producersOf(dataPath, again)).rejects.toThrow('disk went away')
  })

  it('skips offline logs', async () => {
    const first = await logs.createLog('t', 0)
    await first.append(await batchOf(2))
    const log = await restart()
    log.markOffline(new Error('bad disk'))
    const replays = vi.spyOn(PartitionLog.prototype, 'batchHeaders')
    await preloadProducers(dataPath, [log])
    expect(replays).not.toHaveBeenCalled()
  })
})
