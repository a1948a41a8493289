// Connections: the bundled broker and saved external clusters, and which one the console talks to.
// The choice is the renderer's own (remembered in localStorage); every cluster call carries its id.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { call } from './backend.ts'
import { tracked } from './async-state.ts'
import type { ConnectionConfig, ConnectionTestResult } from '../lib/model.ts'

export interface ConnectionItem {
  id: string
  name: string
  kind: 'bundled' | 'external'
  bootstrap: string
  config: ConnectionConfig | null
  hasPassword: boolean
}

export const BUNDLED_ID = 'bundled'
const STORAGE_KEY = 'strata.activeConnection'

function remembered(): string {
  try {
    return localStorage.getItem(STORAGE_KEY) ?? BUNDLED_ID
  } catch {
    return BUNDLED_ID
  }
}

export const useConnectionsStore = defineStore('connections', () => {
  const saved = ref<{ config: ConnectionConfig; hasPassword: boolean }[]>([])
  const activeId = ref<string>(remembered())
  const testResult = ref<ConnectionTestResult | null>(null)
  const state = tracked()

  const connections = computed<ConnectionItem[]>(() => [
    {
      id: BUNDLED_ID,
      name: 'Bundled broker',
      kind: 'bundled',
      bootstrap: 'local',
      config: null,
      hasPassword: false,
    },
    ...saved.value.map((v) => ({
      id: v.config.id,
      name: v.config.name,
      kind: 'external' as const,
      bootstrap: v.config.bootstrap.join(','),
      config: v.config,
      hasPassword: v.hasPassword,
    })),
  ])
  const active = computed(() => connections.value.find((c) => c.id === activeId.value) ?? null)
  const isBundled = computed(() => activeId.value === BUNDLED_ID)

  async function load(): Promise<void> {
    const list = await state.run(() => call('connections/list', {}))
    if (!list) return
    saved.value = list
    if (!connections.value.some((c) => c.id === activeId.value)) select(BUNDLED_ID)
  }

  function select(id: string): void {
    activeId.value = id
    try {
      localStorage.setItem(STORAGE_KEY, id)
    } catch {
      // Private windows may refuse storage; the choice then lasts for this session only.
    }
  }

  async function save(config: ConnectionConfig, password: string | null): Promise<boolean> {
    const ok = await state.run(async () => {
      await call('connections/save', { config, password })
      return true
    })
    if (ok) await load()
    return ok === true
  }

  async function remove(id: string): Promise<void> {
    await state.run(async () => {
      await call('connections/delete', { id })
      saved.value = saved.value.filter((c) => c.config.id !== id)
      if (activeId.value === id) select(BUNDLED_ID)
    })
  }

  async function test(config: ConnectionConfig, password: string | null): Promise<void> {
    testResult.value = null
    const result = await state.run(() => call('connections/test', { config, password }))
    if (result) testResult.value = result
  }

  return {
    saved,
    activeId,
    active,
    isBundled,
    connections,
    testResult,
    loading: state.loading,
    error: state.error,
    load,
    select,
    save,
    remove,
    test,
  }
})

/** The id every cluster operation carries. */
export function activeCluster(): string {
  return useConnectionsStore().activeId
}
