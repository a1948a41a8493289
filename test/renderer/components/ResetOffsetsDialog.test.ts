// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { setBackend } from '../../../renderer/src/stores/backend.ts'
import { useGroupsStore } from '../../../renderer/src/stores/groups.ts'
import ResetOffsetsDialog from '../../../renderer/src/components/ResetOffsetsDialog.vue'
import { FakeBackend } from '../fake-backend.ts'

describe('ResetOffsetsDialog', () => {
  let fake: FakeBackend
  beforeEach(() => {
    localStorage.clear()
    setActivePinia(createPinia())
    fake = new FakeBackend()
    setBackend(fake)
    fake.answer('groups/describe', {
      groupId: 'g',
      state: 'Empty',
      protocolType: 'consumer',
      protocol: '',
      members: [],
      offsets: [{ topic: 't', partition: 0, committedOffset: '7', highWatermark: '10', lag: '3' }],
      totalLag: '3',
    })
    fake.answer('groups/resetOffsets.preview', [{ topic: 't', partition: 0, oldOffset: '7', newOffset: '2' }])
    fake.answer('groups/resetOffsets.apply', [{ topic: 't', partition: 0, oldOffset: '7', newOffset: '2' }])
  })

  it('shows current, new and the lag change before applying, then applies the same spec', async () => {
    await useGroupsStore().loadDetail('g')
    const w = mount(ResetOffsetsDialog, { props: { groupId: 'g', topics: ['t'] }, attachTo: document.body })
    const apply = () => w.findAll('button').find((b) => b.text().includes('Apply reset'))
    expect(apply()?.attributes('disabled')).toBeDefined()
    await w.get('#reset-to').setValue('offset')
    await w.get('#reset-offset').setValue('2')
    await w.get('form').trigger('submit')
    await flushPromises()
    const cells = w.findAll('table[aria-label="Reset preview"] tbody td').map((c) => c.text())
    expect(cells).toEqual(['t', '0', '7', '2', '3', '8', '+5'])
    expect(fake.callsOf('groups/resetOffsets.apply')).toHaveLength(0)
    await apply()?.trigger('click')
    await flushPromises()
    expect(fake.callsOf('groups/resetOffsets.apply')[0]).toEqual({
      cluster: 'bundled',
      groupId: 'g',
      topics: null,
      to: { kind: 'offset', offset: '2' },
    })
    expect(w.text()).toContain('Offsets reset')
    w.unmount()
  })

  it('refuses a malformed offset before asking the back end', async () => {
    const w = mount(ResetOffsetsDialog, { props: { groupId: 'g', topics: ['t'] }, attachTo: document.body })
    await w.get('#reset-to').setValue('offset')
    await w.get('#reset-offset').setValue('abc')
    await w.get('form').trigger('submit')
    expect(w.text()).toContain('Enter an offset')
    expect(fake.callsOf('groups/resetOffsets.preview')).toHaveLength(0)
    w.unmount()
  })
})
