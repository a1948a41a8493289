// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { setBackend } from '../../../renderer/src/stores/backend.ts'
import { useGroupsStore } from '../../../renderer/src/stores/groups.ts'
import { useQuotasStore } from '../../../renderer/src/stores/quotas.ts'
import { useConnectionsStore } from '../../../renderer/src/stores/connections.ts'
import { FakeBackend } from '../fake-backend.ts'

const detail = (lag: string) => ({
  groupId: 'g',
  state: 'Empty',
  protocolType: 'consumer',
  protocol: '',
  members: [],
  offsets: [{ topic: 't', partition: 0, committedOffset: '5', highWatermark: '10', lag }],
  totalLag: lag,
})

describe('groups store', () => {
  let fake: FakeBackend
  beforeEach(() => {
    localStorage.clear()
    setActivePinia(createPinia())
    fake = new FakeBackend()
    setBackend(fake)
  })

  it('lists groups with their lag, largest first', async () => {
    fake.answer('groups/list', [
      { groupId: 'a', state: 'Empty', protocolType: 'consumer', groupType: null },
      { groupId: 'b', state: 'Stable', protocolType: 'consumer', groupType: null },
    ])
    fake.answer('groups/describe', (args: Record<string, unknown>) => ({
      ...detail(args.groupId === 'a' ? '3' : '30'),
      groupId: args.groupId,
    }))
    const s = useGroupsStore()
    await s.load()
    expect(s.byLag.map((g) => [g.groupId, g.lag])).toEqual([
      ['b', 30],
      ['a', 3],
    ])
  })

  it('records lag over time and previews before applying a reset', async () => {
    let lag = '5'
    fake.answer('groups/describe', () => detail(lag))
    fake.answer('groups/resetOffsets.preview', [{ topic: 't', partition: 0, oldOffset: '5', newOffset: '0' }])
    fake.answer('groups/resetOffsets.apply', [{ topic: 't', partition: 0, oldOffset: '5', newOffset: '0' }])
    const s = useGroupsStore()
    await s.loadDetail('g')
    lag = '10'
    await s.loadDetail('g')
    expect(s.lagHistory.map((p) => p.value)).toEqual([5, 10])
    expect(s.partitionLagHistory['t:0']?.map((p) => p.value)).toEqual([5, 10])
    const spec = { groupId: 'g', topics: null, to: { kind: 'earliest' as const } }
    await s.previewReset(spec)
    expect(s.preview).toHaveLength(1)
    expect(fake.callsOf('groups/resetOffsets.apply')).toHaveLength(0)
    expect(await s.applyReset(spec)).toBe(true)
    expect(fake.callsOf('groups/resetOffsets.apply')[0]).toEqual({ cluster: 'bundled', ...spec })
    expect(s.preview).toBeNull()
  })
})

describe('quotas store', () => {
  beforeEach(() => {
    localStorage.clear()
    setActivePinia(createPinia())
  })

  it('splits values into set and remove', async () => {
    const fake = new FakeBackend().answer('quotas/alter', undefined).answer('quotas/list', [])
    setBackend(fake)
    useConnectionsStore().select('bundled')
    const entity = [{ type: 'client-id' as const, name: 'app' }]
    await useQuotasStore().alter(entity, { producer_byte_rate: 1024, consumer_byte_rate: null })
    expect(fake.callsOf('quotas/alter')[0]).toEqual({
      cluster: 'bundled',
      entity,
      set: { producer_byte_rate: 1024 },
      remove: ['consumer_byte_rate'],
    })
  })
})
