// The committed generated codecs must match what the generator writes from the schemas today.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DEFAULT_OUT_DIR, DEFAULT_SCHEMA_DIR, writeGenerated } from '../../scripts/gen-protocol.ts'

const schemasPresent = existsSync(join(DEFAULT_SCHEMA_DIR, 'message'))

describe('generated protocol codecs', () => {
  it.skipIf(!schemasPresent)(
    'are up to date with ../shared/kafka-protocol (run `npm run gen:protocol`)',
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'strata-gen-'))
      try {
        writeGenerated(DEFAULT_SCHEMA_DIR, dir)
        const fresh = readdirSync(dir).sort()
        const committed = readdirSync(DEFAULT_OUT_DIR)
          .filter((f) => f.endsWith('.ts'))
          .sort()
        expect(committed).toEqual(fresh)
        const stale = fresh.filter(
          (f) => readFileSync(join(dir, f), 'utf8') !== readFileSync(join(DEFAULT_OUT_DIR, f), 'utf8'),
        )
        expect(stale, 'stale generated files: run `npm run gen:protocol`').toEqual([])
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  )

  it.runIf(!schemasPresent)('skipped: ../shared/kafka-protocol is absent, nothing to compare against', () => {
    console.warn(`generated-up-to-date: schemas not found at ${DEFAULT_SCHEMA_DIR}; check skipped`)
  })
})
