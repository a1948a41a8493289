// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import ListStatus from '../../../renderer/src/components/ListStatus.vue'

const base = {
  error: null as unknown,
  context: 'Loading topics',
  loading: false,
  loaded: false,
  empty: false,
  loadingText: 'Loading topics…',
  emptyText: 'No topics yet.',
}

function mountStatus(props: Partial<typeof base>) {
  return mount(ListStatus, {
    props: { ...base, ...props },
    slots: { default: '<table aria-label="Topics" />', empty: '<button>Create the first topic</button>' },
  })
}

describe('ListStatus', () => {
  it('shows the spinner on the first load only, then the list', () => {
    expect(mountStatus({ loading: true }).get('[role="status"]').text()).toBe('Loading topics…')
    const refreshing = mountStatus({ loading: true, loaded: true })
    expect(refreshing.find('[role="status"]').exists()).toBe(false)
    expect(refreshing.find('table').exists()).toBe(true)
  })

  it('says the list is empty, with the empty slot, once a load answered', () => {
    expect(mountStatus({ empty: true }).text()).toBe('')
    const w = mountStatus({ loaded: true, empty: true })
    expect(w.text()).toContain('No topics yet.')
    expect(w.find('button').text()).toBe('Create the first topic')
    expect(w.find('table').exists()).toBe(false)
  })

  it('shows the load error with a retry', async () => {
    const w = mountStatus({ error: new Error('gone') })
    expect(w.get('[role="alert"]').text()).toContain('Loading topics: ')
    await w.get('button.retry').trigger('click')
    expect(w.emitted('retry')).toHaveLength(1)
  })
})
