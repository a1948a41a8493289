// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest'
import { h } from 'vue'
import { mount } from '@vue/test-utils'
import VirtualTable from '../../../renderer/src/components/VirtualTable.vue'

const rows = Array.from({ length: 5000 }, (_, i) => ({ name: `topic-${i}` }))

describe('VirtualTable', () => {
  it('renders only the rows in view, with table roles and row indexes', () => {
    const w = mount(VirtualTable, {
      props: {
        rows,
        columns: [{ key: 'name', label: 'Name', sortable: true }],
        rowKey: (r: unknown) => (r as { name: string }).name,
        label: 'Topics',
        sort: { key: 'name', dir: 'asc' },
      },
      slots: { cell: ({ row }: { row: unknown }) => h('span', (row as { name: string }).name) },
    })
    const table = w.get('[role="table"]')
    expect(table.attributes('aria-rowcount')).toBe('5001')
    const bodyRows = w.findAll('.vt-body-row')
    expect(bodyRows.length).toBeGreaterThan(0)
    expect(bodyRows.length).toBeLessThan(100)
    expect(bodyRows[0]?.attributes('aria-rowindex')).toBe('2')
    expect(w.get('[role="columnheader"]').attributes('aria-sort')).toBe('ascending')
  })

  it('emits sort and activate', async () => {
    const w = mount(VirtualTable, {
      props: {
        rows: rows.slice(0, 3),
        columns: [{ key: 'name', label: 'Name', sortable: true }],
        rowKey: (r: unknown) => (r as { name: string }).name,
        label: 'Topics',
      },
    })
    await w.get('.vt-sort').trigger('click')
    expect(w.emitted('sort')?.[0]).toEqual(['name'])
    await w.get('.vt-body-row').trigger('keydown', { key: 'Enter' })
    expect(w.emitted('activate')?.[0]).toEqual([{ name: 'topic-0' }])
  })
})
