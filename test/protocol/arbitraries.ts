// fast-check arbitraries for every generated message, built from the runtime schema description the
// generator emits (schema-meta.ts). A value for version v holds, for each field, either a random
// value (field present in v) or exactly what the decoder yields when the field is absent.
import fc from 'fast-check'
import type { FieldMeta, MessageMeta } from '../../broker/protocol/generated/schema-meta.ts'
import type { Reader, TaggedField } from '../../broker/protocol/primitives/reader.ts'
import type { Writer } from '../../broker/protocol/primitives/writer.ts'

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'

export interface MessageCodec {
  decode(r: Reader, version: number): object
  encode(w: Writer, v: object, version: number): void
}

type Range = readonly [number, number] | null | undefined

function inRange(r: Range, v: number): boolean {
  return r !== null && r !== undefined && v >= r[0] && v <= r[1]
}

const PRIMS = new Set([
  'int8',
  'int16',
  'uint16',
  'int32',
  'int64',
  'float64',
  'bool',
  'string',
  'bytes',
  'records',
  'uuid',
])

/** Loads the generated module of a message and returns its encode/decode pair. */
export async function loadCodec(m: MessageMeta): Promise<MessageCodec> {
  const mod = (await import(`../../broker/protocol/generated/${m.module}.ts`)) as Record<string, unknown>
  const decode = mod[`decode${m.name}`]
  const encode = mod[`encode${m.name}`]
  if (typeof decode !== 'function' || typeof encode !== 'function') throw new Error(`${m.module}: no codec`)
  return { decode: decode as MessageCodec['decode'], encode: encode as MessageCodec['encode'] }
}

export class MessageArbitraries {
  readonly m: MessageMeta
  /** Array lengths stay small so nested messages stay small. */
  readonly maxArray: number

  constructor(m: MessageMeta, maxArray = 2) {
    this.m = m
    this.maxArray = maxArray
  }

  private structFields(name: string): readonly FieldMeta[] {
    const s = this.m.structs[name]
    if (s === undefined) throw new Error(`${this.m.name}: no struct ${name}`)
    return s
  }

  private flexible(v: number): boolean {
    return this.m.flexibleMin !== null && v >= this.m.flexibleMin
  }

  /** Whether a field can hold null in some version the message has (the TypeScript type's nullability). */
  private everNullable(f: FieldMeta): boolean {
    const n = f.nullableVersions
    const p = f.versions
    if (n === null || p === null) return false
    const lo = Math.max(n[0], p[0], this.m.minVersion)
    const hi = Math.min(n[1], p[1], this.m.maxVersion)
    return lo <= hi
  }

  /** What the decoder yields for a field absent from the version. */
  defaultOf(f: FieldMeta): unknown {
    if (f.default !== undefined) return f.default
    const t = f.type
    if (t.startsWith('[]')) return []
    if (!PRIMS.has(t)) return this.defaultStruct(t)
    switch (t) {
      case 'int64':
        return 0n
      case 'bool':
        return false
      case 'string':
        return ''
      case 'uuid':
        return ZERO_UUID
      case 'bytes':
        return Buffer.alloc(0)
      case 'records':
        return this.everNullable(f) ? null : Buffer.alloc(0)
      default:
        return 0
    }
  }

  defaultStruct(name: string): Record<string, unknown> {
    const o: Record<string, unknown> = {}
    for (const f of this.structFields(name)) o[f.prop] = this.defaultOf(f)
    return o
  }

  private prim(t: string): fc.Arbitrary<unknown> {
    switch (t) {
      case 'int8':
        return fc.integer({ min: -128, max: 127 })
      case 'int16':
        return fc.integer({ min: -32768, max: 32767 })
      case 'uint16':
        return fc.integer({ min: 0, max: 65535 })
      case 'int32':
        return fc.integer()
      case 'int64':
        return fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n })
      case 'float64':
        return fc.double()
      case 'bool':
        return fc.boolean()
      case 'string':
        return fc.string({ unit: 'binary', maxLength: 6 })
      case 'bytes':
      case 'records':
        return fc.uint8Array({ maxLength: 6 }).map((a) => Buffer.from(a))
      case 'uuid':
        return fc
          .uint8Array({ minLength: 16, maxLength: 16 })
          .map((a) => Buffer.from(a).toString('base64url'))
      default:
        throw new Error(`not a primitive: ${t}`)
    }
  }

  private typeArb(t: string, v: number, depth: number): fc.Arbitrary<unknown> {
    if (t.startsWith('[]')) {
      const elem = this.typeArb(t.slice(2), v, depth + 1)
      return fc.array(elem, { maxLength: depth > 2 ? 1 : this.maxArray })
    }
    if (PRIMS.has(t)) return this.prim(t)
    return this.struct(this.structFields(t), v, depth + 1)
  }

  private knownTags(fields: readonly FieldMeta[], v: number): Set<number> {
    const s = new Set<number>()
    for (const f of fields) if (f.tag !== undefined && inRange(f.taggedVersions, v)) s.add(f.tag)
    return s
  }

  private unknownTagged(fields: readonly FieldMeta[], v: number): fc.Arbitrary<TaggedField[]> {
    const known = this.knownTags(fields, v)
    const tag = fc.integer({ min: 0, max: 20 }).filter((t) => !known.has(t))
    return fc
      .uniqueArray(tag, { maxLength: 2 })
      .chain((tags) =>
        fc.tuple(
          ...tags
            .sort((a, b) => a - b)
            .map((t) => fc.uint8Array({ maxLength: 4 }).map((d) => ({ tag: t, data: Buffer.from(d) }))),
        ),
      )
  }

  struct(fields: readonly FieldMeta[], v: number, depth = 0): fc.Arbitrary<Record<string, unknown>> {
    const parts: Record<string, fc.Arbitrary<unknown>> = {}
    for (const f of fields) {
      if (!inRange(f.versions, v)) {
        parts[f.prop] = fc.constant(this.defaultOf(f))
        continue
      }
      const base = this.typeArb(f.type, v, depth)
      parts[f.prop] = inRange(f.nullableVersions, v) ? fc.option(base, { nil: null, freq: 4 }) : base
    }
    const record = fc.record(parts)
    if (!this.flexible(v)) return record
    return fc.tuple(record, this.unknownTagged(fields, v)).map(([o, tagged]) => {
      if (tagged.length > 0) o.unknownTaggedFields = tagged
      return o
    })
  }

  message(v: number): fc.Arbitrary<Record<string, unknown>> {
    return this.struct(this.m.fields, v)
  }
}
