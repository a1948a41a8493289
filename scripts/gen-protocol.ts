// Generates broker/protocol/generated/ from Apache Kafka's message schemas.
// Usage: node scripts/gen-protocol.ts [--schemas <dir>] [--out <dir>]
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { emitMessage } from './gen-protocol/emit-message.ts'
import { emitApis, emitSchemaMeta } from './gen-protocol/emit-tables.ts'
import { loadSchemas } from './gen-protocol/schema.ts'

const projectRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const DEFAULT_SCHEMA_DIR = resolve(projectRoot, '..', 'shared', 'kafka-protocol')
export const DEFAULT_OUT_DIR = join(projectRoot, 'broker', 'protocol', 'generated')

/** Every generated file, by file name, from the schemas under schemaDir. */
export function generate(schemaDir: string): Map<string, string> {
  const messages = loadSchemas(schemaDir)
  const files = new Map<string, string>()
  for (const m of messages) files.set(`${m.module}.ts`, emitMessage(m))
  files.set('apis.ts', emitApis(messages))
  files.set('schema-meta.ts', emitSchemaMeta(messages))
  return files
}

/** Writes the generated files into outDir and removes stale ones. */
export function writeGenerated(schemaDir: string, outDir: string): number {
  const files = generate(schemaDir)
  mkdirSync(outDir, { recursive: true })
  for (const old of readdirSync(outDir)) {
    if (old.endsWith('.ts') && !files.has(old)) rmSync(join(outDir, old))
  }
  for (const [name, text] of files) writeFileSync(join(outDir, name), text)
  return files.size
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const schemaDir = resolve(arg('--schemas') ?? DEFAULT_SCHEMA_DIR)
  const outDir = resolve(arg('--out') ?? DEFAULT_OUT_DIR)
  const n = writeGenerated(schemaDir, outDir)
  console.log(`gen-protocol: wrote ${n} files to ${outDir}`)
}
