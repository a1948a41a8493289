// Client quotas by entity: list, set and remove.
import { defineStore } from 'pinia'
import { ref } from 'vue'
import { call } from './backend.ts'
import { activeCluster } from './connections.ts'
import { tracked } from './async-state.ts'
import type { QuotaEntry } from '../lib/model.ts'

export const useQuotasStore = defineStore('quotas', () => {
  const quotas = ref<QuotaEntry[]>([])
  const loaded = ref(false)
  const list = tracked()
  const mutation = tracked()

  async function load(): Promise<void> {
    const result = await list.run(() => call('quotas/list', { cluster: activeCluster() }))
    if (result) {
      quotas.value = result
      loaded.value = true
    }
  }

  /** Sets the given keys; a null value removes that key. */
  async function alter(
    entity: QuotaEntry['entity'],
    values: Record<string, number | null>,
  ): Promise<boolean> {
    const ok = await mutation.run(async () => {
      const set: Record<string, number> = {}
      const remove: string[] = []
      for (const [k, v] of Object.entries(values)) {
        if (v === null) remove.push(k)
        else set[k] = v
      }
      await call('quotas/alter', { cluster: activeCluster(), entity, set, remove })
      return true
    })
    if (ok) await load()
    return ok === true
  }

  return {
    quotas,
    loaded,
    loading: list.loading,
    error: list.error,
    saving: mutation.loading,
    saveError: mutation.error,
    load,
    alter,
    clearSaveError: () => (mutation.error.value = null),
  }
})
