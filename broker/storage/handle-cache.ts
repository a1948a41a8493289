// A bounded LRU of open file handles shared by every partition, so that thousands of partitions with many
// segments never exhaust file descriptors: handles are opened on use and the least recently used idle ones
// are closed once more than `capacity` are open. A handle in use (refs > 0) is never closed under its user.
//
// A handle may belong to an owner (a segment object): the same path opened by another owner is another
// handle. Compaction swaps a new file in under an old segment's name, and the old segment's readers must
// keep their inode while the new segment must never be handed one of theirs.
import { open, type FileHandle } from 'node:fs/promises'

interface Entry {
  handle: Promise<FileHandle>
  refs: number
  /** Set by a close that waits for the current users to finish. */
  onIdle: (() => void) | null
}

export class HandleCache {
  readonly capacity: number
  // Map iteration order is insertion order: re-inserting on use keeps the least recently used first.
  readonly #entries = new Map<string, Entry>()

  constructor(capacity = 1024) {
    if (!(capacity >= 1)) throw new RangeError('handle cache capacity must be at least 1')
    this.capacity = capacity
  }

  get openCount(): number {
    return this.#entries.size
  }

  /** Runs `fn` with a read-write handle on `path` (which must exist), keeping it open meanwhile. */
  async use<T>(path: string, fn: (fh: FileHandle) => Promise<T>, owner = 0): Promise<T> {
    const key = keyOf(path, owner)
    let entry = this.#entries.get(key)
    if (entry) {
      this.#entries.delete(key)
    } else {
      const handle = open(path, 'r+')
      const fresh: Entry = { handle, refs: 0, onIdle: null }
      entry = fresh
      // A failed open must not stay cached (under whatever key it holds by then).
      handle.catch(() => {
        for (const [k, e] of this.#entries) if (e === fresh) this.#entries.delete(k)
      })
    }
    this.#entries.set(key, entry)
    entry.refs++
    this.#evict()
    try {
      return await fn(await entry.handle)
    } finally {
      entry.refs--
      if (entry.refs === 0 && entry.onIdle) entry.onIdle()
      if (this.#entries.size > this.capacity) this.#evict()
    }
  }

  /** Closes the handle of `path` (before renaming or deleting the file). Waits for nothing: users keep theirs. */
  async close(path: string, owner = 0): Promise<void> {
    const key = keyOf(path, owner)
    const entry = this.#entries.get(key)
    if (!entry) return
    this.#entries.delete(key)
    await closeWhenIdle(entry)
  }

  /** The file at `from` was renamed to `to`: its open handle (same inode) now serves `to`. */
  renamed(from: string, to: string, owner = 0): void {
    const entry = this.#entries.get(keyOf(from, owner))
    if (!entry) return
    this.#entries.delete(keyOf(from, owner))
    const displaced = this.#entries.get(keyOf(to, owner))
    if (displaced) void closeWhenIdle(displaced)
    this.#entries.set(keyOf(to, owner), entry)
  }

  /** Closes every handle whose path starts with `prefix` (a partition directory). */
  async closeUnder(prefix: string): Promise<void> {
    const paths = [...this.#entries.keys()].filter((p) => p.startsWith(prefix))
    await Promise.all(paths.map((p) => this.close(p)))
  }

  async closeAll(): Promise<void> {
    const entries = [...this.#entries.values()]
    this.#entries.clear()
    await Promise.all(entries.map(closeWhenIdle))
  }

  #evict(): void {
    for (const [path, entry] of this.#entries) {
      if (this.#entries.size <= this.capacity) return
      if (entry.refs > 0) continue
      this.#entries.delete(path)
      void closeWhenIdle(entry)
    }
  }
}

function keyOf(path: string, owner: number): string {
  return owner === 0 ? path : `${path}\0${owner}`
}

async function closeWhenIdle(entry: Entry): Promise<void> {
  if (entry.refs > 0) await new Promise<void>((resolve) => (entry.onIdle = resolve))
  try {
    await (await entry.handle).close()
  } catch {
    // Already failed to open or already closed: nothing to release.
  }
}
