// `strata dump-log PATH...`: prints the batches (and with --records the records) of segment files, like
// kafka-dump-log.sh. Works offline on the files (no broker needed), streams page by page through the
// read-only SegmentReader, checks every batch's CRC and reports corruption instead of stopping at it; the
// exit code is 1 when any corruption was found. Also dumps .index and .timeindex files, and every segment
// of a partition directory.
import { stat } from 'node:fs/promises'
import path from 'node:path'
import { decodePayload } from '../../client/decode.ts'
import { AdminError } from '../../client/errors.ts'
import { MAGIC_V2 } from '../../protocol/records/batch-header.ts'
import { decodeControlRecord, readBatchRecords, type DecodedRecord } from '../../protocol/records/records.ts'
import {
  SegmentReader,
  listSegments,
  readOffsetIndex,
  readTimeIndex,
  type BatchSummary,
  type IndexPage,
  type OffsetIndexEntry,
  type TimeIndexEntry,
} from '../../storage/segment-reader.ts'
import { INDEX_SUFFIX, LOG_SUFFIX, TIME_INDEX_SUFFIX } from '../../storage/file-names.ts'
import { UsageError, outputMode, parseCommandArgs, parseIntArg, runCommand } from '../args.ts'
import { toJson, type OutputMode } from '../output.ts'
import { Progress } from '../progress.ts'

const HELP = `usage: strata dump-log PATH... [options]

Prints the record batches of segment files (.log), or the entries of index files (.index, .timeindex).
A partition directory dumps each of its segments. Every batch's CRC is checked; corrupt batches and torn
tails are reported and the exit code is 1. Reads the files directly: no broker is needed.

options:
  -r, --records                 also print each batch's records (keys, values, headers)
  --max-payload-bytes <n>       cut printed keys and values after n bytes (default 1024)
  -o, --output json             JSON lines: {"type":"batch"|"record"|"index-entry"|"problem"|"summary", ...}
  -h, --help                    show this help

examples:
  strata dump-log ~/.strata/data/orders-0/00000000000000000000.log
  strata dump-log ~/.strata/data/orders-0 --records
  strata dump-log 00000000000000000000.index
  strata dump-log orders-0/00000000000000000000.log --records --output json | jq 'select(.type=="record")'
`

const INDEX_PAGE = 1000

interface Totals {
  batches: number
  records: number
  problems: number
}

class Dumper {
  readonly #mode: OutputMode
  readonly #records: boolean
  readonly #maxPayload: number
  readonly totals: Totals = { batches: 0, records: 0, problems: 0 }

  constructor(mode: OutputMode, records: boolean, maxPayload: number) {
    this.#mode = mode
    this.#records = records
    this.#maxPayload = maxPayload
  }

  #emit(json: Record<string, unknown>, text: string): void {
    process.stdout.write((this.#mode === 'json' ? toJson(json, 0) : text) + '\n')
  }

  problem(file: string, position: number | null, reason: string): void {
    this.totals.problems++
    this.#emit(
      { type: 'problem', file, position, reason },
      `CORRUPT${position === null ? '' : ` at position ${position}`}: ${reason}`,
    )
  }

  #payload(bytes: Buffer | null): string | null {
    const decoded = decodePayload(bytes, 'text', this.#maxPayload)
    if (decoded === null) return null
    return decoded.truncated ? `${decoded.text}...` : decoded.text
  }

  #batch(file: string, b: BatchSummary): void {
    this.totals.batches++
    const lastSequence = b.baseSequence < 0 ? -1 : b.baseSequence + Number(b.lastOffset - b.baseOffset)
    this.#emit(
      {
        type: 'batch',
        file,
        position: b.position,
        baseOffset: b.baseOffset,
        lastOffset: b.lastOffset,
        count: b.recordCount,
        size: b.size,
        magic: b.magic,
        crc: b.crc,
        crcValid: b.crcValid,
        compression: b.compression,
        timestampType: b.timestampType,
        baseTimestamp: b.baseTimestamp,
        maxTimestamp: b.maxTimestamp,
        producerId: b.producerId,
        producerEpoch: b.producerEpoch,
        baseSequence: b.baseSequence,
        lastSequence,
        partitionLeaderEpoch: b.partitionLeaderEpoch,
        isTransactional: b.isTransactional,
        isControl: b.isControl,
      },
      `baseOffset: ${b.baseOffset} lastOffset: ${b.lastOffset} count: ${b.recordCount} ` +
        `baseSequence: ${b.baseSequence} lastSequence: ${lastSequence} producerId: ${b.producerId} ` +
        `producerEpoch: ${b.producerEpoch} partitionLeaderEpoch: ${b.partitionLeaderEpoch} ` +
        `isTransactional: ${b.isTransactional} isControl: ${b.isControl} position: ${b.position} ` +
        `${b.timestampType}: ${b.maxTimestamp} size: ${b.size} magic: ${b.magic} ` +
        `compresscodec: ${b.compression} crc: ${b.crc} isvalid: ${b.crcValid}`,
    )
  }

  #record(file: string, b: BatchSummary, r: DecodedRecord): void {
    this.totals.records++
    const sequence = b.baseSequence < 0 ? -1 : b.baseSequence + r.offsetDelta
    let control: { type: string; coordinatorEpoch: number } | null = null
    if (b.isControl) {
      const marker = decodeControlRecord(r)
      control = { type: marker.type, coordinatorEpoch: marker.coordinatorEpoch }
    }
    const key = this.#payload(r.key)
    const value = this.#payload(r.value)
    const headers = r.headers.map((h) => ({ key: h.key, value: this.#payload(h.value) }))
    if (this.#mode === 'json') {
      this.#emit(
        {
          type: 'record',
          file,
          offset: r.offset,
          timestamp: r.timestamp,
          sequence,
          keySize: r.key?.length ?? -1,
          valueSize: r.value?.length ?? -1,
          key,
          value,
          headers,
          ...(control ? { control } : {}),
        },
        '',
      )
      return
    }
    const tail = control
      ? `endTxnMarker: ${control.type.toUpperCase()} coordinatorEpoch: ${control.coordinatorEpoch}`
      : `headers: [${headers.map((h) => `${h.key}=${h.value ?? 'null'}`).join(', ')}] key: ${key ?? 'null'} payload: ${value ?? 'null'}`
    this.#emit(
      {},
      `| offset: ${r.offset} ${b.timestampType}: ${r.timestamp} keySize: ${r.key?.length ?? -1} ` +
        `valueSize: ${r.value?.length ?? -1} sequence: ${sequence} ${tail}`,
    )
  }

  async dumpLog(file: string): Promise<void> {
    const reader = await SegmentReader.open(file)
    const progress = new Progress(`dumping ${path.basename(file)}`, { total: reader.size, unit: 'bytes' })
    try {
      let next: number | null = 0
      while (next !== null) {
        const page = await reader.readPage({ fromPosition: next, maxBatches: 100, verifyCrc: true })
        for (const b of page.batches) {
          this.#batch(file, b)
          if (b.magic !== MAGIC_V2) {
            this.problem(file, b.position, `unsupported magic ${b.magic}`)
            continue
          }
          if (b.crcValid === false) {
            this.problem(
              file,
              b.position,
              `CRC mismatch in batch at offset ${b.baseOffset} (stored ${b.crc})`,
            )
            continue
          }
          if (b.compression.startsWith('unknown')) {
            this.problem(file, b.position, `unknown compression codec (${b.compression})`)
            continue
          }
          if (this.#records) await this.#dumpRecords(reader, file, b)
        }
        if (page.problem) this.problem(file, page.nextPosition, page.problem)
        next = page.problem ? null : page.nextPosition
        progress.update(next ?? reader.size)
      }
    } finally {
      progress.done()
      await reader.close()
    }
  }

  async #dumpRecords(reader: SegmentReader, file: string, b: BatchSummary): Promise<void> {
    let decoded
    try {
      const bytes = await reader.readBatch(b.position)
      decoded = await readBatchRecords(bytes, 0, bytes.length)
    } catch (error) {
      this.problem(
        file,
        b.position,
        `cannot decode the records of batch at offset ${b.baseOffset}: ${(error as Error).message}`,
      )
      return
    }
    for (const r of decoded.records) {
      try {
        this.#record(file, b, r)
      } catch (error) {
        this.problem(file, b.position, `record at offset ${r.offset}: ${(error as Error).message}`)
      }
    }
  }

  async dumpIndex(file: string, kind: 'offset' | 'time'): Promise<void> {
    // The reader ends the entries at a preallocated file's first empty slot (page.next is null there).
    let from: number | null = 0
    while (from !== null) {
      const page: IndexPage<OffsetIndexEntry | TimeIndexEntry> =
        kind === 'offset'
          ? await readOffsetIndex(file, from, INDEX_PAGE)
          : await readTimeIndex(file, from, INDEX_PAGE)
      for (const e of page.entries) {
        if ('position' in e)
          this.#emit(
            { type: 'index-entry', file, offset: e.offset, position: e.position },
            `offset: ${e.offset} position: ${e.position}`,
          )
        else
          this.#emit(
            { type: 'index-entry', file, timestamp: e.timestamp, offset: e.offset },
            `timestamp: ${e.timestamp} offset: ${e.offset}`,
          )
      }
      if (from === 0 && page.problem) this.problem(file, null, page.problem)
      from = page.next
    }
  }

  async dumpPath(target: string): Promise<void> {
    let info
    try {
      info = await stat(target)
    } catch (error) {
      throw new AdminError('not-found', `cannot read ${target}: ${(error as Error).message}`)
    }
    if (info.isDirectory()) {
      const segments = await listSegments(target)
      if (segments.length === 0) throw new UsageError(`${target} holds no segment (.log) files`)
      for (const s of segments) await this.dumpFile(path.join(target, s.log))
      return
    }
    await this.dumpFile(target)
  }

  async dumpFile(file: string): Promise<void> {
    if (this.#mode === 'table') process.stdout.write(`Dumping ${file}\n`)
    if (file.endsWith(LOG_SUFFIX)) await this.dumpLog(file)
    else if (file.endsWith(TIME_INDEX_SUFFIX)) await this.dumpIndex(file, 'time')
    else if (file.endsWith(INDEX_SUFFIX)) await this.dumpIndex(file, 'offset')
    else throw new UsageError(`${file} is not a .log, .index or .timeindex file`)
  }
}

export function run(argv: string[]): Promise<number> {
  return runCommand('dump-log', HELP, argv, async (args) => {
    const { values, positionals } = parseCommandArgs(args, {
      records: { type: 'boolean', short: 'r', default: false },
      'print-data-log': { type: 'boolean', default: false },
      'max-payload-bytes': { type: 'string', default: '1024' },
    })
    const mode = outputMode(values)
    if (positionals.length === 0) throw new UsageError('dump-log needs a segment file or partition directory')
    const maxPayload = parseIntArg('max-payload-bytes', values['max-payload-bytes'], 1) as number
    const withRecords = values.records || values['print-data-log']
    const dumper = new Dumper(mode, withRecords, maxPayload)
    for (const target of positionals) await dumper.dumpPath(target)
    const { batches, records, problems } = dumper.totals
    if (mode === 'json')
      process.stdout.write(toJson({ type: 'summary', batches, records, problems }, 0) + '\n')
    else
      process.stdout.write(
        `Summary: ${batches} batch${batches === 1 ? '' : 'es'}${withRecords ? `, ${records} record${records === 1 ? '' : 's'}` : ''}, ${problems} problem${problems === 1 ? '' : 's'}\n`,
      )
    if (problems > 0) {
      process.stderr.write(
        `strata dump-log: corruption found (${problems} problem${problems === 1 ? '' : 's'})\n`,
      )
      return 1
    }
    return 0
  })
}
