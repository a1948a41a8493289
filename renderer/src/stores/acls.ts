// ACL bindings: list, filter, create, delete.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { call } from './backend.ts'
import { activeCluster } from './connections.ts'
import { tracked } from './async-state.ts'
import { makeMatcher } from '../lib/sort.ts'
import type { AclBinding } from '../lib/model.ts'

export function aclKey(b: AclBinding): string {
  return [b.resourceType, b.patternType, b.resourceName, b.principal, b.host, b.operation, b.permission].join(
    '|',
  )
}

export const useAclsStore = defineStore('acls', () => {
  const acls = ref<AclBinding[]>([])
  const filter = ref('')
  const loaded = ref(false)
  const list = tracked()
  const mutation = tracked()

  const visible = computed(() => {
    const m = makeMatcher(filter.value)
    return acls.value.filter((b) =>
      m(`${b.resourceType} ${b.resourceName} ${b.principal} ${b.host} ${b.operation} ${b.permission}`),
    )
  })

  async function load(): Promise<void> {
    const result = await list.run(() => call('acls/list', { cluster: activeCluster(), filter: null }))
    if (result) {
      acls.value = result
      loaded.value = true
    }
  }

  async function create(binding: AclBinding): Promise<boolean> {
    const ok = await mutation.run(async () => {
      await call('acls/create', { cluster: activeCluster(), bindings: [binding] })
      return true
    })
    if (ok) await load()
    return ok === true
  }

  async function remove(binding: AclBinding): Promise<boolean> {
    const ok = await mutation.run(async () => {
      await call('acls/delete', { cluster: activeCluster(), filters: [binding] })
      return true
    })
    if (ok) acls.value = acls.value.filter((b) => aclKey(b) !== aclKey(binding))
    return ok === true
  }

  return {
    acls,
    filter,
    visible,
    loaded,
    loading: list.loading,
    error: list.error,
    saving: mutation.loading,
    saveError: mutation.error,
    load,
    create,
    remove,
    clearSaveError: () => (mutation.error.value = null),
  }
})
