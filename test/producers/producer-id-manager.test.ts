import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ProducerIdManager } from '../../broker/producers/producer-id-manager.ts'

describe('ProducerIdManager', () => {
  let dir: string
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-pid-'))
  })
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true })
  })

  it('hands out distinct ids, also to concurrent callers across block boundaries', async () => {
    const m = await ProducerIdManager.open(dir, 3n)
    const ids = await Promise.all(Array.from({ length: 10 }, () => m.allocate()))
    expect(new Set(ids).size).toBe(10)
    expect([...ids].sort((a, b) => Number(a - b))).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i)))
  })

  it('never reuses an id after a restart, even one from a block only partly used', async () => {
    const a = await ProducerIdManager.open(dir, 100n)
    const first = await a.allocate()
    const b = await ProducerIdManager.open(dir, 100n)
    const second = await b.allocate()
    expect(second).toBeGreaterThan(first)
    expect(second).toBe(100n)
  })
})
