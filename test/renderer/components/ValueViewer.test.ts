// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ValueViewer from '../../../renderer/src/components/ValueViewer.vue'

describe('ValueViewer', () => {
  it('shows markup in a payload as text, never as HTML', () => {
    const w = mount(ValueViewer, {
      props: { label: 'Value', text: '<img src=x onerror="alert(1)"><b>bold</b>' },
    })
    expect(w.find('img').exists()).toBe(false)
    expect(w.find('b').exists()).toBe(false)
    expect(w.get('pre').text()).toContain('<img src=x')
  })

  it('pretty-prints JSON by default and switches to hex', async () => {
    const w = mount(ValueViewer, { props: { label: 'Value', text: '{"a":1}' } })
    expect(w.get('pre').text()).toBe('{\n  "a": 1\n}')
    await w.findAll('[role="radio"]')[2]?.trigger('click')
    expect(w.get('pre').text()).toContain('7b 22 61 22 3a 31 7d')
  })
})
