// Loading/error bookkeeping shared by the stores: every call records whether it is running and how it failed.
import { ref, type Ref } from 'vue'

export interface Tracked {
  loading: Ref<boolean>
  error: Ref<unknown>
  run<T>(work: () => Promise<T>): Promise<T | undefined>
}

export function tracked(): Tracked {
  const loading = ref(false)
  const error = ref<unknown>(null)
  let generation = 0
  async function run<T>(work: () => Promise<T>): Promise<T | undefined> {
    const mine = ++generation
    loading.value = true
    error.value = null
    try {
      return await work()
    } catch (e) {
      if (mine === generation) error.value = e
      return undefined
    } finally {
      if (mine === generation) loading.value = false
    }
  }
  return { loading, error, run }
}
