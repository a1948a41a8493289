// Loads Apache Kafka's message schema JSON files into a small model the emitters work from.
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

export type Prim =
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'int64'
  | 'float64'
  | 'bool'
  | 'string'
  | 'bytes'
  | 'records'
  | 'uuid'

const PRIMS: ReadonlySet<string> = new Set([
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

export type TypeRef =
  | { kind: 'prim'; prim: Prim }
  | { kind: 'struct'; struct: string }
  | { kind: 'array'; elem: { kind: 'prim'; prim: Prim } | { kind: 'struct'; struct: string } }

/** Inclusive version range; empty when lo > hi. hi is Infinity for "N+". */
export interface Range {
  lo: number
  hi: number
}

export const NONE: Range = { lo: 1, hi: 0 }

export interface Field {
  name: string
  prop: string
  typeText: string
  type: TypeRef
  versions: Range
  nullable: Range
  tagged: Range | null
  tag: number | null
  /** Field-level override of the message's flexible versions (RequestHeader.ClientId). */
  flex: Range | null
  default: string | number | boolean | null | undefined
  about: string
}

export interface Struct {
  /** Schema type name (the message name for the root struct). */
  name: string
  /** TypeScript interface name. */
  tsName: string
  fields: Field[]
}

export interface Message {
  name: string
  kind: 'request' | 'response' | 'header' | 'data' | 'metadata'
  apiKey: number | null
  valid: Range
  flexible: Range
  root: Struct
  structs: Map<string, Struct>
  /** Folder under the schema root the file came from. */
  dir: string
  /** Generated module file name without extension (kebab-case of name). */
  module: string
}

export const SCHEMA_DIRS = ['message', 'group-coordinator', 'transaction-coordinator', 'metadata'] as const

/** Removes // comments outside string literals. */
export function stripComments(text: string): string {
  let out = ''
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string
    if (inString) {
      out += c
      if (c === '\\') {
        out += text[i + 1] ?? ''
        i++
      } else if (c === '"') inString = false
    } else if (c === '"') {
      inString = true
      out += c
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
      out += '\n'
    } else out += c
  }
  return out
}

export function parseRange(text: string | undefined, what: string): Range {
  if (text === undefined) throw new Error(`${what}: missing version range`)
  const t = text.trim()
  if (t === 'none') return NONE
  let m = /^(\d+)\+$/.exec(t)
  if (m) return { lo: Number(m[1]), hi: Infinity }
  m = /^(\d+)-(\d+)$/.exec(t)
  if (m) return { lo: Number(m[1]), hi: Number(m[2]) }
  m = /^(\d+)$/.exec(t)
  if (m) return { lo: Number(m[1]), hi: Number(m[1]) }
  throw new Error(`${what}: bad version range ${JSON.stringify(text)}`)
}

export function contains(r: Range, v: number): boolean {
  return v >= r.lo && v <= r.hi
}

export function isEmpty(r: Range): boolean {
  return r.lo > r.hi
}

export function kebab(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1-$2')
    .toLowerCase()
}

export function camel(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1)
}

interface RawField {
  name: string
  type: string
  versions?: string
  nullableVersions?: string
  taggedVersions?: string
  tag?: number
  flexibleVersions?: string
  default?: string | number | boolean | null
  about?: string
  fields?: RawField[]
}

interface RawMessage {
  name: string
  type: Message['kind']
  apiKey?: number
  validVersions: string
  flexibleVersions: string
  fields: RawField[]
  commonStructs?: { name: string; versions?: string; fields: RawField[] }[]
}

function parseType(text: string, where: string): TypeRef {
  const isArray = text.startsWith('[]')
  const base = isArray ? text.slice(2) : text
  const elem: { kind: 'prim'; prim: Prim } | { kind: 'struct'; struct: string } = PRIMS.has(base)
    ? { kind: 'prim', prim: base as Prim }
    : /^[A-Z][A-Za-z0-9]*$/.test(base)
      ? { kind: 'struct', struct: base }
      : (() => {
          throw new Error(`${where}: unknown type ${text}`)
        })()
  return isArray ? { kind: 'array', elem } : elem
}

function loadMessage(raw: RawMessage, dir: string): Message {
  const structs = new Map<string, Struct>()
  const valid = parseRange(raw.validVersions, raw.name)
  const flexible = parseRange(raw.flexibleVersions, raw.name)

  const toFields = (list: RawField[], where: string): Field[] =>
    list.map((f) => {
      const at = `${where}.${f.name}`
      const type = parseType(f.type, at)
      const structName =
        type.kind === 'struct' ? type.struct : type.kind === 'array' ? structOf(type.elem) : null
      if (f.fields !== undefined) {
        if (structName === null) throw new Error(`${at}: fields on a non-struct type`)
        if (structs.has(structName)) throw new Error(`${at}: struct ${structName} defined twice`)
        const s: Struct = { name: structName, tsName: structTsName(raw.name, structName), fields: [] }
        structs.set(structName, s)
        s.fields = toFields(f.fields, at)
      }
      if (f.tag !== undefined && f.taggedVersions === undefined)
        throw new Error(`${at}: tag without taggedVersions`)
      return {
        name: f.name,
        prop: camel(f.name),
        typeText: f.type,
        type,
        // A tagged field may leave out versions: it then exists exactly in its tagged versions.
        versions: parseRange(f.versions ?? f.taggedVersions, at),
        nullable: f.nullableVersions === undefined ? NONE : parseRange(f.nullableVersions, at),
        tagged: f.taggedVersions === undefined ? null : parseRange(f.taggedVersions, at),
        tag: f.tag ?? null,
        flex: f.flexibleVersions === undefined ? null : parseRange(f.flexibleVersions, at),
        default: f.default,
        about: f.about ?? '',
      }
    })

  for (const cs of raw.commonStructs ?? []) {
    const s: Struct = { name: cs.name, tsName: structTsName(raw.name, cs.name), fields: [] }
    structs.set(cs.name, s)
  }
  for (const cs of raw.commonStructs ?? []) {
    ;(structs.get(cs.name) as Struct).fields = toFields(cs.fields, `${raw.name}.${cs.name}`)
  }
  const root: Struct = { name: raw.name, tsName: raw.name, fields: toFields(raw.fields, raw.name) }

  for (const s of [root, ...structs.values()]) {
    for (const f of s.fields) {
      const sn =
        f.type.kind === 'struct' ? f.type.struct : f.type.kind === 'array' ? structOf(f.type.elem) : null
      if (sn !== null && !structs.has(sn)) throw new Error(`${raw.name}.${f.name}: unknown struct ${sn}`)
    }
  }
  const tsNames = new Set<string>()
  for (const s of [root, ...structs.values()]) {
    for (const n of [s.tsName, `${s.tsName}Input`]) {
      if (tsNames.has(n)) throw new Error(`${raw.name}: generated type name ${n} is not unique`)
      tsNames.add(n)
    }
  }
  return {
    name: raw.name,
    kind: raw.type,
    apiKey: raw.apiKey ?? null,
    valid,
    flexible,
    root,
    structs,
    dir,
    module: kebab(raw.name),
  }
}

/**
 * Interface name of a nested struct: the message name plus the struct name, unless the struct name
 * already starts with the message name (MetadataRequestTopic stays MetadataRequestTopic).
 */
function structTsName(message: string, struct: string): string {
  return struct.startsWith(message) ? struct : message + struct
}

function structOf(t: { kind: 'prim'; prim: Prim } | { kind: 'struct'; struct: string }): string | null {
  return t.kind === 'struct' ? t.struct : null
}

/** Every schema under root, sorted by folder then name. */
export function loadSchemas(root: string): Message[] {
  const out: Message[] = []
  for (const dir of SCHEMA_DIRS) {
    const files = readdirSync(join(root, dir))
      .filter((f) => f.endsWith('.json'))
      .sort()
    for (const file of files) {
      const raw = JSON.parse(stripComments(readFileSync(join(root, dir, file), 'utf8'))) as RawMessage
      out.push(loadMessage(raw, dir))
    }
  }
  const modules = new Set<string>()
  for (const m of out) {
    if (modules.has(m.module)) throw new Error(`two schemas map to module ${m.module}`)
    modules.add(m.module)
  }
  return out
}
