// One topic: its partitions and configs (defaults vs overrides), and config edits.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { call } from './backend.ts'
import { activeCluster } from './connections.ts'
import { tracked } from './async-state.ts'
import type { ConfigEntry, PartitionInfo } from '../lib/model.ts'

export const useTopicDetailStore = defineStore('topic-detail', () => {
  const name = ref<string | null>(null)
  const partitions = ref<PartitionInfo[]>([])
  const configs = ref<ConfigEntry[]>([])
  const state = tracked()
  const saving = tracked()

  const overrides = computed(() => configs.value.filter((c) => !c.isDefault))

  async function load(topic: string): Promise<void> {
    if (name.value !== topic) {
      partitions.value = []
      configs.value = []
    }
    name.value = topic
    await state.run(async () => {
      const cluster = activeCluster()
      const [p, c] = await Promise.all([
        call('partitions/describe', { cluster, topic }),
        call('topics/configs', { cluster, topic }),
      ])
      if (name.value !== topic) return
      partitions.value = p
      configs.value = c
    })
  }

  /** Sets (string) or removes back to the default (null) one config. */
  async function setConfig(config: string, value: string | null): Promise<boolean> {
    const topic = name.value
    if (!topic) return false
    const ok = await saving.run(async () => {
      await call('topics/alterConfigs', {
        cluster: activeCluster(),
        topic,
        set: value === null ? {} : { [config]: value },
        reset: value === null ? [config] : [],
      })
      return true
    })
    if (ok) {
      const c = await state.run(() => call('topics/configs', { cluster: activeCluster(), topic }))
      if (c) configs.value = c
    }
    return ok === true
  }

  return {
    name,
    partitions,
    configs,
    overrides,
    loading: state.loading,
    error: state.error,
    saving: saving.loading,
    saveError: saving.error,
    load,
    setConfig,
    clearSaveError: () => (saving.error.value = null),
  }
})
