// Keyboard shortcuts: single keys act only when focus is not in a text field; Mod+K works everywhere.
import { onBeforeUnmount, onMounted } from 'vue'

export interface Shortcut {
  /** 'k' with mod: Ctrl on Linux/Windows, Cmd on macOS. */
  key: string
  mod?: boolean
  description: string
  run: (event: KeyboardEvent) => void
}

export function isTypingTarget(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  const tag = target.tagName
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable
}

export function matches(shortcut: Shortcut, event: KeyboardEvent): boolean {
  const mod = event.ctrlKey || event.metaKey
  if (Boolean(shortcut.mod) !== mod || event.altKey) return false
  if (!shortcut.mod && isTypingTarget(event.target)) return false
  return event.key.toLowerCase() === shortcut.key.toLowerCase()
}

/** Registers shortcuts for the lifetime of the calling component. */
export function useShortcuts(shortcuts: readonly Shortcut[]): void {
  const onKey = (event: KeyboardEvent): void => {
    if (event.defaultPrevented) return
    const hit = shortcuts.find((s) => matches(s, event))
    if (hit) {
      event.preventDefault()
      hit.run(event)
    }
  }
  onMounted(() => window.addEventListener('keydown', onKey))
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey))
}

/** Views listen for this to reload their data (shortcut R, palette "Refresh"). */
export const REFRESH_EVENT = 'strata:refresh'

export function requestRefresh(): void {
  window.dispatchEvent(new CustomEvent(REFRESH_EVENT))
}

export function useRefresh(run: () => void): void {
  onMounted(() => window.addEventListener(REFRESH_EVENT, run))
  onBeforeUnmount(() => window.removeEventListener(REFRESH_EVENT, run))
}

/** Focuses the view's main filter field (shortcut '/'). */
export function focusFilter(): void {
  const el = document.querySelector<HTMLInputElement>('[data-filter]')
  el?.focus()
  el?.select()
}
