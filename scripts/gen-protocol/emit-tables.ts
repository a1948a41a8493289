// Emits the API table (apis.ts) and the runtime schema description (schema-meta.ts) used by tests
// and fuzzers to build values for every message and version.
import { GENERATED_HEADER, flexibleMin, upperSnake } from './emit-message.ts'
import type { Field, Message, Range } from './schema.ts'

export function emitApis(messages: Message[]): string {
  const requests = messages
    .filter((m) => m.kind === 'request')
    .sort((a, b) => (a.apiKey ?? 0) - (b.apiKey ?? 0))
  const responses = new Map(messages.filter((m) => m.kind === 'response').map((m) => [m.apiKey, m]))
  const out: string[] = [GENERATED_HEADER, '']
  out.push(`import type { Reader } from '../primitives/reader.ts'`)
  out.push(`import type { Writer } from '../primitives/writer.ts'`)
  const rows: string[] = []
  const keys: string[] = []
  for (const req of requests) {
    const res = responses.get(req.apiKey)
    if (res === undefined) throw new Error(`${req.name}: no response schema`)
    if (res.valid.lo !== req.valid.lo || res.valid.hi !== req.valid.hi) {
      throw new Error(`${req.name}: request and response version ranges differ`)
    }
    for (const m of [req, res]) {
      out.push(`import { decode${m.name}, encode${m.name} } from './${m.module}.ts'`)
    }
    const name = req.name.replace(/Request$/, '')
    keys.push(`  ${name}: ${req.apiKey},`)
    rows.push(
      `  ${req.apiKey}: {`,
      `    key: ${req.apiKey},`,
      `    name: '${name}',`,
      `    minVersion: ${req.valid.lo},`,
      `    maxVersion: ${req.valid.hi},`,
      `    flexibleMin: ${flexibleMin(req)},`,
      `    decodeRequest: decode${req.name},`,
      `    encodeRequest: encode${req.name},`,
      `    decodeResponse: decode${res.name},`,
      `    encodeResponse: encode${res.name},`,
      '  },',
    )
  }
  out.push(
    '',
    '/** Every API key the schemas define, by name (the request schema name without "Request"). */',
    'export const API_KEYS = Object.freeze({',
    ...keys,
    '} as const)',
    '',
    'export type ApiName = keyof typeof API_KEYS',
    '',
    '/** Loosely typed codec entry for dispatchers and fuzzers; handlers import the typed modules. */',
    'export interface ApiDescriptor {',
    '  readonly key: number',
    '  readonly name: string',
    '  readonly minVersion: number',
    '  readonly maxVersion: number',
    '  /** First flexible version (compact encodings, tagged fields, request header v2), or null. */',
    '  readonly flexibleMin: number | null',
    '  decodeRequest(r: Reader, version: number): object',
    '  encodeRequest(w: Writer, v: object, version: number): void',
    '  decodeResponse(r: Reader, version: number): object',
    '  encodeResponse(w: Writer, v: object, version: number): void',
    '}',
    '',
    'export const apis: Readonly<Record<number, ApiDescriptor>> = Object.freeze({',
    ...rows,
    '})',
    '',
    '/**',
    ' * Request header version for an API version: 2 from the first flexible version on (also for versions',
    ' * above the newest we know, so an unsupported ApiVersions request still parses), else 1;',
    ' * ControlledShutdown v0 alone uses header v0 (no client id).',
    ' */',
    'export function requestHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 | 2 {',
    `  if (apiKey === ${requests.find((r) => r.name === 'ControlledShutdownRequest')?.apiKey ?? 7} && apiVersion === 0) return 0`,
    '  const api = apis[apiKey]',
    '  return api !== undefined && api.flexibleMin !== null && apiVersion >= api.flexibleMin ? 2 : 1',
    '}',
    '',
    '/** Response header version: 1 for flexible versions, else 0; ApiVersions responses always use 0. */',
    'export function responseHeaderVersion(apiKey: number, apiVersion: number): 0 | 1 {',
    `  if (apiKey === ${requests.find((r) => r.name === 'ApiVersionsRequest')?.apiKey ?? 18}) return 0`,
    '  const api = apis[apiKey]',
    '  return api !== undefined && api.flexibleMin !== null && apiVersion >= api.flexibleMin ? 1 : 0',
    '}',
  )
  return out.join('\n') + '\n'
}

function range(r: Range): string {
  if (r.lo > r.hi) return 'null'
  return `[${r.lo}, ${r.hi === Infinity ? 32767 : r.hi}]`
}

function metaDefault(f: Field): string {
  const d = f.default
  if (d === null || d === 'null') return 'null'
  if (d === undefined) return 'undefined'
  const t = f.type
  if (t.kind !== 'prim') return 'undefined'
  switch (t.prim) {
    case 'int64':
      return `${BigInt(d as string | number)}n`
    case 'bool':
      return String(d === true || d === 'true')
    case 'string':
      return JSON.stringify(String(d))
    default:
      return String(Number(d))
  }
}

function fieldMeta(f: Field): string {
  const parts = [
    `name: '${f.name}'`,
    `prop: '${f.prop}'`,
    `type: '${f.typeText}'`,
    `versions: ${range(f.versions)}`,
    `nullableVersions: ${range(f.nullable)}`,
  ]
  if (f.tag !== null && f.tagged !== null) parts.push(`tag: ${f.tag}`, `taggedVersions: ${range(f.tagged)}`)
  if (f.flex !== null) parts.push(`flexibleVersions: ${range(f.flex)}`)
  const d = metaDefault(f)
  if (d !== 'undefined') parts.push(`default: ${d}`)
  return `{ ${parts.join(', ')} }`
}

export function emitSchemaMeta(messages: Message[]): string {
  const out: string[] = [GENERATED_HEADER, '']
  out.push(
    '/** One field as the schema declares it; ranges are inclusive, 32767 stands for "and later". */',
    'export interface FieldMeta {',
    '  readonly name: string',
    '  readonly prop: string',
    '  /** Schema type text: a primitive, a struct name, or [] before either. */',
    '  readonly type: string',
    '  readonly versions: readonly [number, number] | null',
    '  readonly nullableVersions: readonly [number, number] | null',
    '  readonly tag?: number',
    '  readonly taggedVersions?: readonly [number, number] | null',
    '  readonly flexibleVersions?: readonly [number, number] | null',
    '  /** The schema default when it declares one (int64 as bigint). */',
    '  readonly default?: number | bigint | boolean | string | null',
    '}',
    '',
    'export interface MessageMeta {',
    '  readonly name: string',
    "  readonly kind: 'request' | 'response' | 'header' | 'data' | 'metadata'",
    '  readonly apiKey: number | null',
    '  /** Generated module file name (without .ts). */',
    '  readonly module: string',
    '  /** Name of the exported VERSIONS constant. */',
    '  readonly versionsConst: string',
    '  readonly minVersion: number',
    '  readonly maxVersion: number',
    '  readonly flexibleMin: number | null',
    '  readonly fields: readonly FieldMeta[]',
    '  readonly structs: Readonly<Record<string, readonly FieldMeta[]>>',
    '}',
    '',
    'export const MESSAGE_META: readonly MessageMeta[] = [',
  )
  for (const m of messages) {
    out.push('  {')
    out.push(`    name: '${m.name}',`, `    kind: '${m.kind}',`, `    apiKey: ${m.apiKey},`)
    out.push(`    module: '${m.module}',`, `    versionsConst: '${upperSnake(m.name)}_VERSIONS',`)
    out.push(
      `    minVersion: ${m.valid.lo},`,
      `    maxVersion: ${m.valid.hi},`,
      `    flexibleMin: ${flexibleMin(m)},`,
    )
    out.push('    fields: [', ...m.root.fields.map((f) => `      ${fieldMeta(f)},`), '    ],')
    out.push('    structs: {')
    for (const s of m.structs.values()) {
      out.push(`      ${s.name}: [`, ...s.fields.map((f) => `        ${fieldMeta(f)},`), '      ],')
    }
    out.push('    },', '  },')
  }
  out.push(']')
  return out.join('\n') + '\n'
}
