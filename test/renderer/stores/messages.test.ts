// @vitest-environment happy-dom
import { beforeEach, describe, expect, it } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { setBackend } from '../../../renderer/src/stores/backend.ts'
import { useMessagesStore } from '../../../renderer/src/stores/messages.ts'
import { bytesToBase64 } from '../../../renderer/src/lib/payload.ts'
import { FakeBackend } from '../fake-backend.ts'
import type { MessageView } from '../../../renderer/src/lib/model.ts'

function payload(text: string) {
  const bytes = new TextEncoder().encode(text)
  return {
    format: 'base64' as const,
    text: bytesToBase64(bytes),
    error: null,
    bytes: bytes.length,
    truncated: false,
  }
}

function message(offset: number, value: string): MessageView {
  return {
    topic: 't',
    partition: 0,
    offset: String(offset),
    timestamp: 1000 + offset,
    key: payload(`k${offset}`),
    value: payload(value),
    headers: [{ key: 'h', value: payload('v') }],
    sizeBytes: 10,
  }
}

describe('messages store', () => {
  let fake: FakeBackend
  beforeEach(() => {
    localStorage.clear()
    setActivePinia(createPinia())
    fake = new FakeBackend()
    setBackend(fake)
  })

  it('reads newest first, pages older with the cursor and back again from history', async () => {
    fake.answer('messages/read', (args: Record<string, unknown>) => {
      const from = args.from as { kind: string }
      if (from.kind === 'end')
        return {
          messages: [message(8, 'a'), message(9, 'b')],
          next: [{ partition: 0, offset: '7' }],
          done: false,
        }
      return {
        messages: [message(6, 'c'), message(7, 'd')],
        next: [{ partition: 0, offset: '5' }],
        done: true,
      }
    })
    const s = useMessagesStore()
    await s.open('t', null)
    expect(s.rows.map((r) => r.offset)).toEqual(['9', '8'])
    expect(s.rows[0]?.value).toBe('b')
    expect(s.rows[0]?.headers).toEqual([{ key: 'h', value: 'v' }])
    expect(s.canOlder).toBe(true)
    expect(s.canNewer).toBe(false)
    await s.older()
    expect(fake.callsOf('messages/read')[1]?.from).toEqual({
      kind: 'cursor',
      offsets: [{ partition: 0, offset: '7' }],
    })
    expect(s.rows.map((r) => r.offset)).toEqual(['7', '6'])
    expect(s.canOlder).toBe(false)
    await s.newer()
    expect(s.rows.map((r) => r.offset)).toEqual(['9', '8'])
  })

  it('searches loaded messages and selects for export', async () => {
    fake.answer('messages/read', {
      messages: [message(0, '{"id":1}'), message(1, 'hello')],
      next: [],
      done: true,
    })
    const s = useMessagesStore()
    s.startKind = 'beginning'
    await s.open('t', 0)
    expect(fake.callsOf('messages/read')[0]).toMatchObject({
      cluster: 'bundled',
      partition: 0,
      direction: 'forward',
    })
    s.search = 'hell'
    expect(s.filtered.map((r) => r.offset)).toEqual(['1'])
    s.selectAll()
    expect(s.selectedRows.map((r) => r.offset)).toEqual(['1'])
  })

  it('tails: keeps early updates, shows rate, pauses and resumes, stops the tail', async () => {
    fake.answer('messages/read', { messages: [], next: [], done: true })
    fake.answer('messages/tailStop', undefined)
    fake.answer('messages/tailStart', () => {
      fake.emit('messages/tail', {
        tailId: 'T1',
        update: { messages: [message(1, 'early')], dropped: 0, lag: '0', error: null },
      })
      return { tailId: 'T1' }
    })
    const s = useMessagesStore()
    await s.open('t', null)
    await s.startTail()
    expect(s.tailing).toBe(true)
    expect(s.rows.map((r) => r.value)).toEqual(['early'])
    s.togglePause()
    fake.emit('messages/tail', {
      tailId: 'T1',
      update: { messages: [message(2, 'later')], dropped: 0, lag: '0', error: null },
    })
    fake.emit('messages/tail', {
      tailId: 'OTHER',
      update: { messages: [message(3, 'not mine')], dropped: 0, lag: '0', error: null },
    })
    expect(s.rows).toHaveLength(1)
    expect(s.buffered).toBe(1)
    s.togglePause()
    expect(s.rows.map((r) => r.value)).toEqual(['later', 'early'])
    s.stop()
    expect(fake.callsOf('messages/tailStop')).toEqual([{ tailId: 'T1' }])
  })

  it('shows binary values as bytes, not text', async () => {
    const bin = {
      format: 'base64' as const,
      text: bytesToBase64(new Uint8Array([0xff, 0x00, 0xfe])),
      error: null,
      bytes: 3,
      truncated: false,
    }
    fake.answer('messages/read', { messages: [{ ...message(0, ''), value: bin }], next: [], done: true })
    const s = useMessagesStore()
    await s.open('t', null)
    expect(s.rows[0]?.value).toBeNull()
    expect(s.rows[0]?.valueBytes).toEqual(new Uint8Array([0xff, 0x00, 0xfe]))
  })

  it('refuses a malformed start offset or an empty date before reading', async () => {
    fake.answer('messages/read', { messages: [], next: [], done: true })
    const s = useMessagesStore()
    s.startKind = 'offset'
    s.startOffset = '-3'
    await s.open('t', null)
    expect((s.error as Error).message).toMatch(/whole number/)
    s.startKind = 'timestamp'
    s.startTime = ''
    await s.reload()
    expect((s.error as Error).message).toMatch(/date and time/)
    expect(fake.callsOf('messages/read')).toHaveLength(0)
  })
})
