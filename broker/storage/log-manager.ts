// LogManager: every partition log under one data directory, plus the background work that keeps them.
//
// Public API (the broker server codes against this):
//   LogManager.open(dataDir, opts?: LogManagerOptions): Promise<LogManager>
//       Scans `<topic>-<partition>` directories (split at the last '-'; `__cluster_metadata` and other
//       ignored topics are left alone), loads the checkpoints, runs recovery when the clean-shutdown marker
//       `.kafka_cleanshutdown` is absent, and deletes the marker (it is written again by close()). A partition
//       that cannot be opened is kept as an offline log (KAFKA_STORAGE_ERROR) instead of failing the open.
//       Options: defaults (STRATA_LOG_CONFIG), topicConfig(topic), maxOpenFiles (1024), timer intervals, log.
//   createLog(topic, partition, config?): Promise<PartitionLog>   idempotent: returns the open log if present
//   getLog(topic, partition): PartitionLog | undefined
//   deleteLogs(topic): Promise<number>    renames `<topic>-<p>` to `<topic>-<p>.<uuid>-delete`, removes it async
//   deleteLog(topic, partition): Promise<boolean>
//   partitions(): { topic, partition, log }[]
//   updateConfig(topic, config)           applies a topic config to every open partition of the topic
//   start()                               background retention, compaction, flush.ms and checkpoint timers
//   close()                               clean shutdown: stop timers, flush all, checkpoints, marker
//   runRetention(), runFlush(), runCompaction(), writeCheckpoints(): the background steps, callable directly.
import { randomUUID } from 'node:crypto'
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  LOG_START_OFFSET_CHECKPOINT,
  RECOVERY_POINT_CHECKPOINT,
  checkpointKey,
  formatCheckpoint,
  readCheckpoint,
  syncDir,
  writeCheckpoint,
  type CheckpointEntry,
} from './checkpoint.ts'
import { compactLog, type CompactionResult } from './compactor.ts'
import { DELETE_DIR_SUFFIX, logDirName, parseLogDirName } from './file-names.ts'
import { HandleCache } from './handle-cache.ts'
import { STRATA_LOG_CONFIG, isCompacted, type LogConfig } from './log-config.ts'
import { PartitionLog } from './partition-log.ts'

export const CLEAN_SHUTDOWN_MARKER = '.kafka_cleanshutdown'
/** Partitions opened at once by open(). */
const OPEN_CONCURRENCY = 16

export interface LogManagerOptions {
  /** Topic config defaults of this broker (STRATA_LOG_CONFIG: Kafka's, with flush.ms=1000, unless given). */
  defaults?: LogConfig
  /** The config of an existing topic found on disk at open (default: `defaults`). */
  topicConfig?: (topic: string) => LogConfig | undefined
  /** Cap on open file handles across all partitions (default 1024). */
  maxOpenFiles?: number
  /** Topics whose directories belong to someone else (default: `__cluster_metadata`). */
  ignoreTopics?: readonly string[]
  /** log.retention.check.interval.ms (default 300000). */
  retentionCheckIntervalMs?: number
  /** log.flush.offset.checkpoint.interval.ms (default 5000: a local broker restarts often). */
  checkpointIntervalMs?: number
  /** log.flush.scheduler.interval.ms: how often flush.ms is checked (default 1000). */
  flushCheckIntervalMs?: number
  /** log.cleaner.backoff.ms: how often compaction looks for work (default 15000; null: log.cleaner.enable=false). */
  compactionIntervalMs?: number | null
  now?: () => number
  /** Recovery truncations and background failures are reported here. */
  log?: (message: string) => void
}

export interface PartitionEntry {
  topic: string
  partition: number
  log: PartitionLog
}

export class LogManager {
  readonly dataDir: string
  readonly defaults: LogConfig
  readonly cache: HandleCache
  /** False when the last shutdown was not clean: recovery ran at open. */
  readonly hadCleanShutdown: boolean
  readonly #opts: LogManagerOptions
  readonly #logs = new Map<string, PartitionEntry>()
  readonly #timers: NodeJS.Timeout[] = []
  readonly #now: () => number
  readonly #report: (message: string) => void
  #background: Promise<unknown> = Promise.resolve()
  #closed = false
  #lastCheckpoints = ''

  private constructor(dataDir: string, opts: LogManagerOptions, clean: boolean) {
    this.dataDir = dataDir
    this.#opts = opts
    this.defaults = opts.defaults ?? STRATA_LOG_CONFIG
    this.cache = new HandleCache(opts.maxOpenFiles ?? 1024)
    this.hadCleanShutdown = clean
    this.#now = opts.now ?? Date.now
    this.#report = opts.log ?? (() => {})
  }

  static async open(dataDir: string, opts: LogManagerOptions = {}): Promise<LogManager> {
    // Startup: synchronous directory work is fine here and keeps the scan simple.
    mkdirSync(dataDir, { recursive: true })
    const marker = join(dataDir, CLEAN_SHUTDOWN_MARKER)
    const clean = existsSync(marker)
    const mgr = new LogManager(dataDir, opts, clean)
    const recovery = await readCheckpointOrEmpty(join(dataDir, RECOVERY_POINT_CHECKPOINT), mgr.#report)
    const starts = await readCheckpointOrEmpty(join(dataDir, LOG_START_OFFSET_CHECKPOINT), mgr.#report)
    const ignore = new Set(opts.ignoreTopics ?? ['__cluster_metadata'])
    const configs = new Map<string, LogConfig>()
    const configOf = (topic: string): LogConfig => {
      let config = configs.get(topic)
      if (config === undefined) configs.set(topic, (config = opts.topicConfig?.(topic) ?? mgr.defaults))
      return config
    }
    const found: { tp: { topic: string; partition: number }; name: string; path: string }[] = []
    for (const name of readdirSync(dataDir)) {
      const path = join(dataDir, name)
      if (name.endsWith(DELETE_DIR_SUFFIX)) {
        rmSync(path, { recursive: true, force: true })
        continue
      }
      const tp = parseLogDirName(name)
      if (!tp || ignore.has(tp.topic) || !statSync(path).isDirectory()) continue
      found.push({ tp, name, path })
    }
    // Partitions load a few at a time: each is a chain of small file operations, and overlapping them
    // keeps the thread pool busy instead of paying every round trip in turn (1,000 partitions).
    const loaded = new Array<PartitionLog>(found.length)
    let nextIndex = 0
    const worker = async (): Promise<void> => {
      for (let i = nextIndex++; i < found.length; i = nextIndex++) {
        const { tp, name, path } = found[i] as (typeof found)[number]
        const key = checkpointKey(tp.topic, tp.partition)
        const logOpts = {
          ...tp,
          dir: path,
          config: configOf(tp.topic),
          cache: mgr.cache,
          recoveryPoint: recovery.get(key) ?? 0n,
          logStartOffset: starts.get(key) ?? 0n,
          cleanShutdown: clean,
          existingDir: true,
          now: mgr.#now,
          log: mgr.#report,
        }
        try {
          loaded[i] = await PartitionLog.open(logOpts)
        } catch (err) {
          // One unreadable partition must not keep the broker down: it stays offline, the others serve.
          const cause = err instanceof Error ? err : new Error(String(err))
          mgr.#report(`${name} could not be opened and is offline: ${cause.message}`)
          loaded[i] = PartitionLog.offline(logOpts, cause)
        }
      }
    }
    await Promise.all(Array.from({ length: Math.min(OPEN_CONCURRENCY, found.length) }, worker))
    found.forEach(({ tp }, i) =>
      mgr.#logs.set(checkpointKey(tp.topic, tp.partition), { ...tp, log: loaded[i] as PartitionLog }),
    )
    // The marker only speaks for the shutdown before this open.
    rmSync(marker, { force: true })
    return mgr
  }

  /** Opens the log of a new (or already present) partition. */
  async createLog(
    topic: string,
    partition: number,
    config: LogConfig = this.defaults,
  ): Promise<PartitionLog> {
    const key = checkpointKey(topic, partition)
    const existing = this.#logs.get(key)
    if (existing) {
      existing.log.updateConfig(config)
      return existing.log
    }
    const log = await PartitionLog.open({
      topic,
      partition,
      dir: join(this.dataDir, logDirName(topic, partition)),
      config,
      cache: this.cache,
      cleanShutdown: true,
      now: this.#now,
      log: this.#report,
    })
    // Two concurrent creations of the same partition: keep the first.
    const raced = this.#logs.get(key)
    if (raced) return raced.log
    this.#logs.set(key, { topic, partition, log })
    return log
  }

  getLog(topic: string, partition: number): PartitionLog | undefined {
    return this.#logs.get(checkpointKey(topic, partition))?.log
  }

  partitions(): PartitionEntry[] {
    return [...this.#logs.values()]
  }

  /** Applies `config` to every open partition of `topic` (AlterConfigs). */
  updateConfig(topic: string, config: LogConfig): void {
    for (const e of this.#logs.values()) if (e.topic === topic) e.log.updateConfig(config)
  }

  /** Deletes every partition of `topic`; returns how many there were. */
  async deleteLogs(topic: string): Promise<number> {
    const doomed = this.partitions().filter((e) => e.topic === topic)
    for (const e of doomed) await this.deleteLog(topic, e.partition)
    return doomed.length
  }

  /** Kafka's way: rename the directory to `<topic>-<p>.<uuid>-delete` now, remove it in the background. */
  async deleteLog(topic: string, partition: number): Promise<boolean> {
    const key = checkpointKey(topic, partition)
    const entry = this.#logs.get(key)
    if (!entry) return false
    this.#logs.delete(key)
    await entry.log.closeForDeletion()
    const target = join(
      this.dataDir,
      `${logDirName(topic, partition)}.${randomUUID().replaceAll('-', '')}${DELETE_DIR_SUFFIX}`,
    )
    await rename(entry.log.dir, target)
    await syncDir(this.dataDir)
    this.#track(rm(target, { recursive: true, force: true }))
    return true
  }

  /** Starts the background timers (all unref'd; close() stops them). */
  start(): void {
    if (this.#timers.length > 0 || this.#closed) return
    const every = (ms: number, task: () => Promise<unknown>) => {
      const timer = setInterval(() => this.#track(task()), ms)
      timer.unref()
      this.#timers.push(timer)
    }
    every(this.#opts.retentionCheckIntervalMs ?? 300_000, () => this.runRetention())
    every(this.#opts.checkpointIntervalMs ?? 5_000, () => this.writeCheckpoints())
    every(this.#opts.flushCheckIntervalMs ?? 1_000, () => this.runFlush())
    const cleanerMs = this.#opts.compactionIntervalMs
    if (cleanerMs !== null) every(cleanerMs ?? 15_000, () => this.runCompaction())
  }

  /** Background work runs one step at a time and never throws out of a timer. */
  #track(work: Promise<unknown>): void {
    this.#background = Promise.all([
      this.#background,
      work.catch((err: unknown) => this.#report(`storage background task failed: ${String(err)}`)),
    ])
  }

  /** Applies retention to every partition; returns the number of segments deleted. */
  async runRetention(): Promise<number> {
    let deleted = 0
    for (const e of this.partitions()) {
      try {
        deleted += await e.log.enforceRetention()
      } catch (err) {
        this.#report(`retention of ${e.topic}-${e.partition} failed: ${String(err)}`)
      }
    }
    return deleted
  }

  /** Flushes partitions whose oldest unflushed data is older than their flush.ms. */
  async runFlush(): Promise<void> {
    const now = this.#now()
    for (const e of this.partitions()) {
      const log = e.log
      if (log.offline || log.closed || log.unflushedMessages === 0) continue
      if (now - log.lastFlushTime < log.config.flushMs) continue
      try {
        await log.flush()
      } catch (err) {
        this.#report(`flush of ${e.topic}-${e.partition} failed: ${String(err)}`)
      }
    }
  }

  /** Compacts every partition with cleanup.policy=compact that has enough dirty data. */
  async runCompaction(): Promise<CompactionResult[]> {
    const results: CompactionResult[] = []
    for (const e of this.partitions()) {
      if (!isCompacted(e.log.config) || e.log.offline || e.log.closed) continue
      try {
        const r = await compactLog(e.log, this.#now())
        if (r) results.push(r)
      } catch (err) {
        this.#report(`compaction of ${e.topic}-${e.partition} failed: ${String(err)}`)
      }
    }
    return results
  }

  /** Writes both checkpoint files atomically. */
  async writeCheckpoints(): Promise<void> {
    const recovery: CheckpointEntry[] = []
    const starts: CheckpointEntry[] = []
    for (const e of this.partitions()) {
      recovery.push({ topic: e.topic, partition: e.partition, offset: e.log.recoveryPoint })
      starts.push({ topic: e.topic, partition: e.partition, offset: e.log.logStartOffset })
    }
    // Unchanged checkpoints are not rewritten: an idle broker does no disk writes.
    const text = formatCheckpoint(recovery) + formatCheckpoint(starts)
    if (text === this.#lastCheckpoints) return
    await writeCheckpoint(join(this.dataDir, RECOVERY_POINT_CHECKPOINT), recovery)
    await writeCheckpoint(join(this.dataDir, LOG_START_OFFSET_CHECKPOINT), starts)
    this.#lastCheckpoints = text
  }

  /**
   * Clean shutdown: stops the timers, waits for background work, flushes and closes every log, writes the
   * checkpoints and, when every partition closed cleanly, the clean-shutdown marker.
   */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const t of this.#timers) clearInterval(t)
    this.#timers.length = 0
    await this.#background
    let allClean = true
    for (const e of this.partitions()) {
      try {
        await e.log.close()
      } catch (err) {
        allClean = false
        this.#report(`closing ${e.topic}-${e.partition} failed: ${String(err)}`)
      }
      if (e.log.offline) allClean = false
    }
    await this.writeCheckpoints()
    await this.cache.closeAll()
    if (allClean) {
      await writeFile(join(this.dataDir, CLEAN_SHUTDOWN_MARKER), '')
      await syncDir(this.dataDir)
    }
  }
}

async function readCheckpointOrEmpty(
  path: string,
  report: (m: string) => void,
): Promise<Map<string, bigint>> {
  try {
    return await readCheckpoint(path)
  } catch (err) {
    // A corrupt checkpoint only costs a longer recovery: start from zero.
    report(`ignoring unreadable checkpoint ${path}: ${String(err)}`)
    return new Map()
  }
}
