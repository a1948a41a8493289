// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import DialogActions from '../../../renderer/src/components/DialogActions.vue'

describe('DialogActions', () => {
  it('emits cancel and confirm from plain buttons', async () => {
    const w = mount(DialogActions, { props: { label: 'Delete topic', danger: true } })
    const cancel = w.get('button:not(.primary)')
    const primary = w.get('button.primary')
    expect(cancel.attributes('type')).toBe('button')
    expect(cancel.text()).toBe('Cancel')
    expect(primary.attributes('type')).toBe('button')
    expect(primary.classes()).toEqual(['primary', 'danger'])
    await cancel.trigger('click')
    await primary.trigger('click')
    expect(w.emitted('cancel')).toHaveLength(1)
    expect(w.emitted('confirm')).toHaveLength(1)
  })

  it('submits the named form instead of emitting confirm', async () => {
    const w = mount(DialogActions, { props: { label: 'Create', form: 'create-topic-form' } })
    const primary = w.get('button.primary')
    expect(primary.attributes('type')).toBe('submit')
    expect(primary.attributes('form')).toBe('create-topic-form')
    await primary.trigger('click')
    expect(w.emitted('confirm')).toBeUndefined()
  })

  it('shows the busy label and disables the action while busy or invalid', async () => {
    const w = mount(DialogActions, { props: { label: 'Create', busyLabel: 'Creating…', busy: true } })
    const primary = () => w.get('button.primary')
    expect(primary().text()).toBe('Creating…')
    expect(primary().attributes('disabled')).toBeDefined()
    await w.setProps({ busy: false, disabled: true })
    expect(primary().text()).toBe('Create')
    expect(primary().attributes('disabled')).toBeDefined()
    await w.setProps({ disabled: false })
    expect(primary().attributes('disabled')).toBeUndefined()
    await w.setProps({ busy: true, busyLabel: undefined })
    expect(primary().text()).toBe('Create')
  })

  it('leaves only the cancel button once there is nothing to confirm', () => {
    const w = mount(DialogActions, {
      props: { label: 'Apply reset', cancelLabel: 'Close', hideConfirm: true },
    })
    expect(w.findAll('button').map((b) => b.text())).toEqual(['Close'])
  })

  it('shows the error in a live region, with a retry', async () => {
    const w = mount(DialogActions, { props: { label: 'Produce' } })
    const region = w.get('[aria-live="assertive"]')
    expect(region.find('[role="alert"]').exists()).toBe(false)
    await w.setProps({ error: new Error('broker went away'), errorContext: 'Produce' })
    expect(region.get('[role="alert"]').text()).toContain('Produce: ')
    await region.get('button.retry').trigger('click')
    expect(w.emitted('retry')).toHaveLength(1)
    expect(w.emitted('confirm')).toBeUndefined()
  })
})
