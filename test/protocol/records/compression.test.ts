import zlib from 'node:zlib'
import { compressFrameSync } from 'lz4-napi'
import { compressSync as snappyRaw } from 'snappy'
import { describe, expect, it } from 'vitest'
import { COMPRESSION_NAMES } from '../../../broker/protocol/records/batch-header.ts'
import type { CompressionName } from '../../../broker/protocol/records/batch-header.ts'
import {
  compress,
  compressSync,
  decompress,
  decompressSync,
} from '../../../broker/protocol/records/compression.ts'
import {
  DecompressionLimitError,
  ERROR_CORRUPT_MESSAGE,
  ERROR_MESSAGE_TOO_LARGE,
  RecordBatchError,
} from '../../../broker/protocol/records/errors.ts'

const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00])

/** Deterministic, partly compressible bytes. */
function sample(size: number, seed = 1): Buffer {
  const buf = Buffer.alloc(size)
  let x = seed
  for (let i = 0; i < size; i++) {
    x = (x * 1103515245 + 12345) >>> 0
    buf[i] = i % 3 === 0 ? x >>> 24 : 0x61 + (i % 7)
  }
  return buf
}

function xerial(blocks: Buffer[], withHeader = true): Buffer {
  const header = Buffer.alloc(16)
  XERIAL_MAGIC.copy(header)
  header.writeInt32BE(1, 8)
  header.writeInt32BE(1, 12)
  const parts: Buffer[] = withHeader ? [header] : []
  for (const b of blocks) {
    const len = Buffer.alloc(4)
    len.writeInt32BE(b.length)
    parts.push(len, b)
  }
  return Buffer.concat(parts)
}

async function expectRejects(p: Promise<unknown>, errorCode: number): Promise<RecordBatchError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(RecordBatchError)
  expect((err as RecordBatchError).errorCode).toBe(errorCode)
  return err as RecordBatchError
}

const MB = 1024 * 1024

/** Buffer.equals: vitest's deep equality is far too slow for buffers of this size. */
function expectBytes(actual: Buffer, expected: Buffer): void {
  expect(actual.length).toBe(expected.length)
  expect(actual.equals(expected)).toBe(true)
}

describe.each(COMPRESSION_NAMES)('%s codec', (codec: CompressionName) => {
  it.each([0, 1, 1000, 300_000])('round-trips %i bytes (async and sync)', async (size) => {
    const data = sample(size)
    const packed = await compress(codec, data)
    expectBytes(await decompress(codec, packed, 4 * MB), data)
    expectBytes(decompressSync(codec, compressSync(codec, data), 4 * MB), data)
    expectBytes(decompressSync(codec, packed, 4 * MB), data)
  })

  it('refuses output beyond the limit with a typed error', async () => {
    const bomb = await compress(codec, Buffer.alloc(8 * MB))
    const err = await expectRejects(decompress(codec, bomb, MB), ERROR_MESSAGE_TOO_LARGE)
    expect(err).toBeInstanceOf(DecompressionLimitError)
    expect(() => decompressSync(codec, bomb, MB)).toThrow(DecompressionLimitError)
  })

  it('accepts output exactly at the limit', async () => {
    const data = sample(100_000)
    expectBytes(await decompress(codec, await compress(codec, data), data.length), data)
  })

  it('refuses output one byte over the limit', async () => {
    const data = sample(100_001)
    const packed = await compress(codec, data)
    await expectRejects(decompress(codec, packed, 100_000), ERROR_MESSAGE_TOO_LARGE)
    expect(() => decompressSync(codec, packed, 100_000)).toThrow(DecompressionLimitError)
  })

  if (codec !== 'none') {
    it('reports garbage as CORRUPT_MESSAGE', async () => {
      const garbage = Buffer.from('this is not compressed data at all, not even a little')
      await expectRejects(decompress(codec, garbage, MB), ERROR_CORRUPT_MESSAGE)
      expect(() => decompressSync(codec, garbage, MB)).toThrow(RecordBatchError)
    })

    it('reports truncated data as CORRUPT_MESSAGE', async () => {
      const packed = await compress(codec, sample(100_000))
      await expectRejects(
        decompress(codec, packed.subarray(0, packed.length - 10), MB),
        ERROR_CORRUPT_MESSAGE,
      )
    })
  }
})

describe('snappy framing', () => {
  it('writes the xerial framing the Java client writes, in 32 KiB chunks', async () => {
    const packed = await compress('snappy', sample(100_000))
    expect(packed.subarray(0, 8)).toEqual(XERIAL_MAGIC)
    expect(packed.readInt32BE(8)).toBe(1)
    expect(packed.readInt32BE(12)).toBe(1)
    let pos = 16
    let chunks = 0
    while (pos < packed.length) {
      pos += 4 + packed.readInt32BE(pos)
      chunks++
    }
    expect(pos).toBe(packed.length)
    expect(chunks).toBe(4)
  })

  it('reads a raw snappy block as librdkafka writes it', async () => {
    const data = sample(200_000)
    expectBytes(await decompress('snappy', snappyRaw(data), MB), data)
  })

  it('reads xerial streams with several chunks and a repeated header', async () => {
    const a = sample(40_000, 1)
    const b = sample(50_000, 2)
    const c = sample(10, 3)
    const twoStreams = Buffer.concat([xerial([snappyRaw(a), snappyRaw(b)]), xerial([snappyRaw(c)])])
    expectBytes(await decompress('snappy', twoStreams, MB), Buffer.concat([a, b, c]))
    expectBytes(await decompress('snappy', xerial([]), MB), Buffer.alloc(0))
  })

  it('checks the declared lengths of every xerial chunk against the limit before inflating', async () => {
    const chunk = snappyRaw(Buffer.alloc(600_000))
    await expectRejects(decompress('snappy', xerial([chunk, chunk]), MB), ERROR_MESSAGE_TOO_LARGE)
  })

  it('rejects a xerial chunk whose length runs past the data', async () => {
    const framed = xerial([snappyRaw(sample(1000))])
    framed.writeInt32BE(5000, 16)
    await expectRejects(decompress('snappy', framed, MB), ERROR_CORRUPT_MESSAGE)
  })
})

describe('lz4 frame', () => {
  it('writes independent 64 KiB blocks without checksums, as librdkafka and the Java client do', async () => {
    const packed = await compress('lz4', sample(1000))
    expect(packed.readUInt32LE(0)).toBe(0x184d2204)
    expect(packed[4]).toBe(0x60) // version 01, block independence, no checksums, no content size
    expect(packed[5]).toBe(0x40) // 64 KiB maximum block size
  })

  it('reads stored (uncompressed) blocks', async () => {
    const data = sample(1000)
    const size = Buffer.alloc(4)
    size.writeUInt32LE((data.length | 0x80000000) >>> 0)
    // FLG 0x60, BD 0x40, HC 0x82 (the header checksum lz4-napi writes for these flags)
    const frame = Buffer.concat([Buffer.from('04224d18604082', 'hex'), size, data, Buffer.alloc(4)])
    expect(compressFrameSync(Buffer.alloc(0)).subarray(0, 7)).toEqual(frame.subarray(0, 7))
    expectBytes(await decompress('lz4', frame, MB), data)
  })

  it('refuses a frame whose declared content size exceeds the limit without inflating it', async () => {
    const contentSize = Buffer.alloc(8)
    contentSize.writeBigUInt64LE(10n * BigInt(MB))
    const frame = Buffer.concat([
      Buffer.from('04224d186840', 'hex'),
      contentSize,
      Buffer.from([0]),
      Buffer.alloc(4),
    ])
    await expectRejects(decompress('lz4', frame, MB), ERROR_MESSAGE_TOO_LARGE)
  })

  it('rejects the legacy lz4 framing magic', async () => {
    await expectRejects(
      decompress('lz4', Buffer.from('02214c18000000000000', 'hex'), MB),
      ERROR_CORRUPT_MESSAGE,
    )
  })
})

describe('zlib codecs', () => {
  it('read concatenated gzip members and zstd frames without warnings', async () => {
    const warnings: Error[] = []
    const onWarning = (w: Error) => warnings.push(w)
    process.on('warning', onWarning)
    try {
      const a = sample(5000, 1)
      const b = sample(7000, 2)
      const gz = Buffer.concat([zlib.gzipSync(a), zlib.gzipSync(b)])
      expectBytes(await decompress('gzip', gz, MB), Buffer.concat([a, b]))
      const skippable = Buffer.from('502a4d1803000000010203', 'hex')
      const zs = Buffer.concat([zlib.zstdCompressSync(a), skippable, zlib.zstdCompressSync(b)])
      expectBytes(await decompress('zstd', zs, MB), Buffer.concat([a, b]))
      await new Promise((resolve) => setImmediate(resolve))
    } finally {
      process.off('warning', onWarning)
    }
    expect(warnings).toEqual([])
  })

  it('applies the limit across concatenated zstd frames', async () => {
    const frame = zlib.zstdCompressSync(sample(600_000))
    await expectRejects(decompress('zstd', Buffer.concat([frame, frame]), MB), ERROR_MESSAGE_TOO_LARGE)
    const exact = zlib.zstdCompressSync(sample(MB))
    await expectRejects(decompress('zstd', Buffer.concat([exact, frame]), MB), ERROR_MESSAGE_TOO_LARGE)
  })

  it('rejects a non-positive limit', async () => {
    await expect(decompress('gzip', zlib.gzipSync(Buffer.from('x')), 0)).rejects.toThrow(RangeError)
  })
})
