import { renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { HandleCache } from '../../broker/storage/handle-cache.ts'
import { removeDir, tempDir } from './helpers.ts'

let root: string
beforeEach(async () => {
  root = await tempDir()
})
afterEach(async () => {
  await removeDir(root)
})

describe('file handle cache', () => {
  it('closes the least recently used idle handles beyond its capacity', async () => {
    const cache = new HandleCache(3)
    const paths = Array.from({ length: 10 }, (_, i) => join(root, `f${i}`))
    for (const p of paths) writeFileSync(p, p)
    for (const p of paths) {
      const text = await cache.use(p, async (fh) => (await fh.readFile()).toString())
      expect(text).toBe(p)
      expect(cache.openCount).toBeLessThanOrEqual(3)
    }
    await cache.closeAll()
    expect(cache.openCount).toBe(0)
  })

  it('never closes a handle while it is in use', async () => {
    const cache = new HandleCache(1)
    const a = join(root, 'a')
    const b = join(root, 'b')
    writeFileSync(a, 'aaaa')
    writeFileSync(b, 'bbbb')
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const slow = cache.use(a, async (fh) => {
      await gate
      const buf = Buffer.alloc(4)
      await fh.read(buf, 0, 4, 0)
      return buf.toString()
    })
    // Using b pushes the cache over capacity while a is busy; a stays open until its user is done.
    expect(await cache.use(b, async (fh) => (await fh.readFile()).toString())).toBe('bbbb')
    const closing = cache.close(a)
    release()
    expect(await slow).toBe('aaaa')
    await closing
    await cache.closeAll()
  })

  it('does not cache a failed open', async () => {
    const cache = new HandleCache(4)
    await expect(cache.use(join(root, 'missing'), async () => 1)).rejects.toMatchObject({ code: 'ENOENT' })
    expect(cache.openCount).toBe(0)
  })

  it('gives each owner its own handle, so a file swapped in under a name never serves the old owner', async () => {
    const cache = new HandleCache(8)
    const log = join(root, 'seg.log')
    writeFileSync(log, 'old-bytes')
    const read = (owner: number, path = log): Promise<string> =>
      cache.use(path, async (fh) => (await fh.readFile({ encoding: 'utf8' })).toString(), owner)
    expect(await read(1)).toBe('old-bytes')
    // Compaction's swap: the old file moves aside, a new one takes its name.
    renameSync(log, `${log}.deleted`)
    cache.renamed(log, `${log}.deleted`, 1)
    writeFileSync(`${log}.swap`, 'new')
    renameSync(`${log}.swap`, log)
    expect(await read(2)).toBe('new')
    // The old owner still reads its own inode, under its new name, through the handle it had open.
    const fh = await cache.use(`${log}.deleted`, async (h) => h, 1)
    const buf = Buffer.alloc(9)
    await fh.read(buf, 0, 9, 0)
    expect(buf.toString()).toBe('old-bytes')
    await cache.closeAll()
  })
})
