// Re-runs a loader at an interval while the calling component is mounted and the window is visible.
import { onBeforeUnmount, onMounted } from 'vue'

export function usePolling(run: () => Promise<void> | void, intervalMs: number): void {
  let timer: ReturnType<typeof setTimeout> | null = null
  let stopped = false
  const tick = async (): Promise<void> => {
    if (stopped) return
    if (typeof document === 'undefined' || document.visibilityState !== 'hidden') await run()
    if (!stopped) timer = setTimeout(() => void tick(), intervalMs)
  }
  onMounted(() => void tick())
  onBeforeUnmount(() => {
    stopped = true
    if (timer) clearTimeout(timer)
  })
}
