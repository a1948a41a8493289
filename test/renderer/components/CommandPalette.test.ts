// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import CommandPalette from '../../../renderer/src/components/CommandPalette.vue'

describe('CommandPalette', () => {
  it('filters commands as typed and runs the highlighted one on Enter', async () => {
    const topics = vi.fn()
    const groups = vi.fn()
    const w = mount(CommandPalette, {
      props: {
        commands: [
          { id: 'topics', title: 'Go to Topics', run: topics },
          { id: 'groups', title: 'Go to Consumer groups', run: groups },
        ],
      },
      attachTo: document.body,
    })
    expect(w.findAll('[role="option"]')).toHaveLength(2)
    const input = w.get('input[role="combobox"]')
    await input.setValue('consumer')
    expect(w.findAll('[role="option"]').map((o) => o.text())).toEqual(['Go to Consumer groups'])
    await input.trigger('keydown', { key: 'Enter' })
    expect(groups).toHaveBeenCalledOnce()
    expect(topics).not.toHaveBeenCalled()
    expect(w.emitted('close')).toHaveLength(1)
    w.unmount()
  })

  it('moves the highlight with the arrow keys', async () => {
    const second = vi.fn()
    const w = mount(CommandPalette, {
      props: {
        commands: [
          { id: 'a', title: 'First', run: vi.fn() },
          { id: 'b', title: 'Second', run: second },
        ],
      },
      attachTo: document.body,
    })
    const input = w.get('input[role="combobox"]')
    await input.trigger('keydown', { key: 'ArrowDown' })
    expect(input.attributes('aria-activedescendant')).toBe('cmd-b')
    await input.trigger('keydown', { key: 'Enter' })
    expect(second).toHaveBeenCalledOnce()
    w.unmount()
  })
})
