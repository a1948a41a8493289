// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { setBackend } from '../../../renderer/src/stores/backend.ts'
import { useTopicsStore } from '../../../renderer/src/stores/topics.ts'
import { useConnectionsStore } from '../../../renderer/src/stores/connections.ts'
import { FakeBackend } from '../fake-backend.ts'

const topic = (name: string, partitions = 1, messageCount = '0', internal = false) => ({
  name,
  internal,
  partitions,
  replicationFactor: 1,
  sizeBytes: '100',
  messageCount,
})

describe('topics store', () => {
  let fake: FakeBackend
  beforeEach(() => {
    localStorage.clear()
    setActivePinia(createPinia())
    fake = new FakeBackend()
    setBackend(fake)
  })

  it('filters, hides internal topics and sorts by any column', async () => {
    fake.answer('topics/list', [
      topic('b', 3, '20'),
      topic('a', 1, '100'),
      topic('__consumer_offsets', 50, '5', true),
    ])
    const s = useTopicsStore()
    await s.load()
    expect(s.visible.map((t) => t.name)).toEqual(['a', 'b'])
    s.setSort('messageCount')
    expect(s.visible.map((t) => t.name)).toEqual(['b', 'a'])
    s.setSort('messageCount')
    expect(s.visible.map((t) => t.name)).toEqual(['a', 'b'])
    s.showInternal = true
    s.filter = 'consumer'
    expect(s.visible.map((t) => t.name)).toEqual(['__consumer_offsets'])
    s.filter = '/^[ab]$/'
    expect(s.visible).toHaveLength(2)
  })

  it('sends create, delete and add-partitions to the active cluster', async () => {
    fake.answer('topics/list', []).answer('topics/create', undefined).answer('topics/delete', undefined)
    fake.answer('topics/addPartitions', undefined)
    useConnectionsStore().select('ext-1')
    const s = useTopicsStore()
    expect(await s.create({ name: 'x', partitions: 2, replicationFactor: 1, configs: {} })).toBe(true)
    expect(fake.callsOf('topics/create')[0]).toEqual({
      cluster: 'ext-1',
      name: 'x',
      partitions: 2,
      replicationFactor: 1,
      configs: {},
    })
    await s.remove('x')
    expect(fake.callsOf('topics/delete')[0]).toEqual({ cluster: 'ext-1', names: ['x'] })
    await s.addPartitions('x', 4)
    expect(fake.callsOf('topics/addPartitions')[0]).toEqual({
      cluster: 'ext-1',
      topic: 'x',
      totalPartitions: 4,
    })
  })

  it('keeps the error of a failed create for the dialog', async () => {
    fake.answer('topics/create', () => {
      throw new Error('Topic already exists')
    })
    const s = useTopicsStore()
    expect(await s.create({ name: 'x', partitions: 1, replicationFactor: 1, configs: {} })).toBe(false)
    expect((s.mutationError as Error).message).toBe('Topic already exists')
  })
})
