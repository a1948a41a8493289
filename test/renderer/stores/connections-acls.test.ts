// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { setBackend } from '../../../renderer/src/stores/backend.ts'
import { useConnectionsStore } from '../../../renderer/src/stores/connections.ts'
import { useAclsStore } from '../../../renderer/src/stores/acls.ts'
import { FakeBackend } from '../fake-backend.ts'

const staging = {
  config: { id: 'ext-1', name: 'Staging', bootstrap: ['k:9092'], sasl: null, tls: null },
  hasPassword: false,
}

describe('connections store', () => {
  let fake: FakeBackend
  beforeEach(() => {
    localStorage.clear()
    setActivePinia(createPinia())
    fake = new FakeBackend()
    setBackend(fake)
  })

  it('lists the bundled broker first and remembers the chosen cluster', async () => {
    fake.answer('connections/list', [staging])
    const s = useConnectionsStore()
    await s.load()
    expect(s.connections.map((c) => c.name)).toEqual(['Bundled broker', 'Staging'])
    s.select('ext-1')
    expect(localStorage.getItem('strata.activeConnection')).toBe('ext-1')
    setActivePinia(createPinia())
    expect(useConnectionsStore().activeId).toBe('ext-1')
  })

  it('falls back to the bundled broker when the remembered cluster is gone', async () => {
    localStorage.setItem('strata.activeConnection', 'deleted')
    fake.answer('connections/list', [staging])
    const s = useConnectionsStore()
    await s.load()
    expect(s.activeId).toBe('bundled')
    expect(s.isBundled).toBe(true)
  })
})

describe('acls store', () => {
  it('filters bindings and sends create and delete to the active cluster', async () => {
    localStorage.clear()
    setActivePinia(createPinia())
    const alice = {
      resourceType: 'topic' as const,
      resourceName: 'orders',
      patternType: 'literal' as const,
      principal: 'User:alice',
      host: '*',
      operation: 'read' as const,
      permission: 'allow' as const,
    }
    const bob = { ...alice, principal: 'User:bob', operation: 'write' as const }
    const fake = new FakeBackend()
      .answer('acls/list', [alice, bob])
      .answer('acls/create', undefined)
      .answer('acls/delete', [bob])
    setBackend(fake)
    const s = useAclsStore()
    await s.load()
    s.filter = 'bob'
    expect(s.visible).toEqual([bob])
    await s.create(alice)
    expect(fake.callsOf('acls/create')[0]).toEqual({ cluster: 'bundled', bindings: [alice] })
    await s.remove(bob)
    expect(fake.callsOf('acls/delete')[0]).toEqual({ cluster: 'bundled', filters: [bob] })
    expect(s.acls).toEqual([alice])
  })
})
