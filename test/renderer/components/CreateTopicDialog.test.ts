// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import CreateTopicDialog from '../../../renderer/src/components/CreateTopicDialog.vue'

function mountDialog() {
  return mount(CreateTopicDialog, {
    props: { existing: ['orders_v1'], brokers: 1, busy: false, error: null },
    attachTo: document.body,
  })
}

describe('CreateTopicDialog', () => {
  it('checks the name as it is typed', async () => {
    const w = mountDialog()
    const input = w.get('#topic-name')
    await input.setValue('bad name')
    expect(w.get('#topic-name-msg').text()).toMatch(/Only letters/)
    expect(input.attributes('aria-invalid')).toBe('true')
    await input.setValue('orders.v1')
    expect(w.get('#topic-name-msg').text()).toMatch(/Collides with 'orders_v1'/)
    await input.setValue('..')
    expect(w.get('#topic-name-msg').text()).toMatch(/not allowed/)
    w.unmount()
  })

  it('emits a spec with only the configs that were set', async () => {
    const w = mountDialog()
    await w.get('#topic-name').setValue('payments')
    await w.get('#topic-partitions').setValue('3')
    await w.get('button.link').trigger('click')
    await w.get('[id="cfg-retention.ms"]').setValue('-1')
    await w.get('form').trigger('submit')
    expect(w.emitted('create')?.[0]).toEqual([
      { name: 'payments', partitions: 3, replicationFactor: 1, configs: { 'retention.ms': '-1' } },
    ])
    w.unmount()
  })

  it('refuses a replication factor above the broker count', async () => {
    const w = mountDialog()
    await w.get('#topic-name').setValue('x')
    await w.get('#topic-rf').setValue('3')
    expect(w.get('#topic-rf-msg').text()).toMatch(/At most 1/)
    await w.get('form').trigger('submit')
    expect(w.emitted('create')).toBeUndefined()
    w.unmount()
  })
})
