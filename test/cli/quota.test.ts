// `strata quota ...` against a real broker process. Quotas are being built into the broker in parallel: the
// set/list/remove round trip runs when the broker serves the client-quota APIs, otherwise the commands must
// fail in one line saying the cluster does not support them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'
import { brokerApis, cli, oneLine } from './cli-process.ts'

let broker: RunningBroker
let b: string[]
let supported = false

beforeAll(async () => {
  broker = await startBroker()
  b = ['--bootstrap-server', broker.bootstrap]
  const apis = await brokerApis(broker.bootstrap)
  supported = apis.has('DescribeClientQuotas') && apis.has('AlterClientQuotas')
}, 120_000)
afterAll(async () => {
  await broker?.stop()
})

interface QuotaJson {
  entity: { type: string; name: string | null }[]
  values: Record<string, number>
}

async function listQuotas(): Promise<QuotaJson[]> {
  const r = await cli(['quota', 'list', ...b, '-o', 'json'])
  expect(r.code, r.stderr).toBe(0)
  return JSON.parse(r.stdout) as QuotaJson[]
}

describe('strata quota', () => {
  it('says so in one line when the cluster has no client quotas', async (ctx) => {
    if (supported) ctx.skip()
    const r = await cli(['quota', 'list', ...b])
    expect(r.code).toBe(1)
    expect(oneLine(r.stderr)).toBe(true)
    expect(r.stderr).toMatch(/^strata quota: the cluster does not support this operation/)
  })

  it('sets, lists and removes quotas for users, client ids and defaults', async (ctx) => {
    if (!supported) ctx.skip()
    const [user, client] = await Promise.all([
      cli([
        'quota',
        'set',
        '--user',
        'alice',
        '--config',
        'producer_byte_rate=1048576',
        '--config',
        'consumer_byte_rate=2048',
        ...b,
      ]),
      cli(['quota', 'set', '--default-client-id', '--config', 'request_percentage=50', ...b]),
    ])
    expect(user.code, user.stderr).toBe(0)
    expect(client.code, client.stderr).toBe(0)
    let quotas = await listQuotas()
    expect(quotas).toContainEqual({
      entity: [{ type: 'user', name: 'alice' }],
      values: { producer_byte_rate: 1048576, consumer_byte_rate: 2048 },
    })
    expect(quotas).toContainEqual({
      entity: [{ type: 'client-id', name: null }],
      values: { request_percentage: 50 },
    })

    const table = await cli(['quota', 'list', ...b])
    expect(table.stdout, table.stderr).toMatch(/user=alice\s+.*producer_byte_rate=1048576/)
    expect(table.stdout).toMatch(/client-id=<default>\s+request_percentage=50/)

    const one = await cli(['quota', 'remove', '--user', 'alice', '--config', 'consumer_byte_rate', ...b])
    expect(one.code, one.stderr).toBe(0)
    quotas = await listQuotas()
    expect(quotas.find((q) => q.entity[0]?.name === 'alice')?.values).toEqual({ producer_byte_rate: 1048576 })

    const all = await cli(['quota', 'remove', '--user', 'alice', ...b])
    expect(all.code, all.stderr).toBe(0)
    expect((await listQuotas()).find((q) => q.entity[0]?.name === 'alice')).toBeUndefined()
  })

  it('rejects bad command lines with exit code 2', async () => {
    const [noEntity, noConfig, badValue, both] = await Promise.all([
      cli(['quota', 'set', '--config', 'producer_byte_rate=1', ...b]),
      cli(['quota', 'set', '--user', 'bob', ...b]),
      cli(['quota', 'set', '--user', 'bob', '--config', 'producer_byte_rate=fast', ...b]),
      cli(['quota', 'set', '--user', 'bob', '--default-user', '--config', 'producer_byte_rate=1', ...b]),
    ])
    for (const r of [noEntity, noConfig, badValue, both]) {
      expect(r.code).toBe(2)
      expect(r.stderr).toContain('usage: strata quota')
    }
    expect(noEntity.stderr).toMatch(/name the entity/)
    expect(badValue.stderr).toMatch(/must be a non-negative number/)
  })
})
