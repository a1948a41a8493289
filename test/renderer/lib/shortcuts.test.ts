// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { matches } from '../../../renderer/src/lib/shortcuts.ts'

function key(k: string, init: KeyboardEventInit = {}, target?: EventTarget): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key: k, ...init })
  if (target) Object.defineProperty(event, 'target', { value: target })
  return event
}

describe('shortcuts', () => {
  const run = vi.fn()
  it('single keys act outside text fields only', () => {
    const n = { key: 'n', description: 'New', run }
    expect(matches(n, key('n'))).toBe(true)
    expect(matches(n, key('N'))).toBe(true)
    expect(matches(n, key('n', {}, document.createElement('input')))).toBe(false)
    expect(matches(n, key('n', { ctrlKey: true }))).toBe(false)
  })
  it('Mod+K works everywhere, with Ctrl or Cmd', () => {
    const k = { key: 'k', mod: true, description: 'Palette', run }
    expect(matches(k, key('k', { ctrlKey: true }, document.createElement('textarea')))).toBe(true)
    expect(matches(k, key('k', { metaKey: true }))).toBe(true)
    expect(matches(k, key('k'))).toBe(false)
  })
})
