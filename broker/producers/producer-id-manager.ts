// Hands out producer ids that stay unique across restarts. Ids come in blocks (like Kafka's
// AllocateProducerIds); before the first id of a block is given out, the end of that block is written
// durably (temp file, fsync, rename), so a restarted broker starts after every id it may have handed out.
import { open, readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'

export const PRODUCER_ID_FILE = 'producer-id-block'
export const DEFAULT_BLOCK_SIZE = 1000n

export class ProducerIdManager {
  private next: bigint
  private blockEnd: bigint
  private reserving: Promise<void> | undefined
  private readonly file: string
  private readonly blockSize: bigint

  private constructor(file: string, nextBlockStart: bigint, blockSize: bigint) {
    this.file = file
    this.next = nextBlockStart
    this.blockEnd = nextBlockStart
    this.blockSize = blockSize
  }

  /** Opens the manager for a data directory; ids continue after the last durably reserved block. */
  static async open(dataDir: string, blockSize = DEFAULT_BLOCK_SIZE): Promise<ProducerIdManager> {
    const file = join(dataDir, PRODUCER_ID_FILE)
    let start = 0n
    try {
      const text = (await readFile(file, 'utf8')).trim()
      if (!/^\d+$/.test(text)) throw new Error(`${file} holds "${text}", not a producer id`)
      start = BigInt(text)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
    }
    return new ProducerIdManager(file, start, blockSize)
  }

  /** The next unused producer id. */
  async allocate(): Promise<bigint> {
    while (this.next >= this.blockEnd) {
      this.reserving ??= this.reserveBlock().finally(() => {
        this.reserving = undefined
      })
      await this.reserving
    }
    return this.next++
  }

  private async reserveBlock(): Promise<void> {
    const end = this.blockEnd + this.blockSize
    const tmp = `${this.file}.tmp`
    const fh = await open(tmp, 'w')
    try {
      await fh.writeFile(`${end}\n`)
      await fh.sync()
    } finally {
      await fh.close()
    }
    await rename(tmp, this.file)
    this.blockEnd = end
  }
}
