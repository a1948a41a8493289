import { describe, expect, it } from 'vitest'
import { checkTopicName } from '../../../renderer/src/lib/topic-name.ts'

describe('checkTopicName', () => {
  it('accepts legal names', () => {
    expect(checkTopicName('orders-v1')).toEqual({ error: null, warning: null })
    expect(checkTopicName('a'.repeat(249)).error).toBeNull()
  })
  it('rejects empty, dot names, long names and illegal characters', () => {
    expect(checkTopicName('').error).toMatch(/Enter/)
    expect(checkTopicName('.').error).toMatch(/not allowed/)
    expect(checkTopicName('..').error).toMatch(/not allowed/)
    expect(checkTopicName('a'.repeat(250)).error).toMatch(/249/)
    expect(checkTopicName('bad name!').error).toMatch(/found: .*!/)
  })
  it('rejects an existing name and warns on a ./_ collision', () => {
    expect(checkTopicName('a.b', ['a.b']).error).toMatch(/already exists/)
    const c = checkTopicName('a.b', ['a_b'])
    expect(c.error).toBeNull()
    expect(c.warning).toMatch(/Collides with 'a_b'/)
  })
  it('warns about . or _ even without a collision', () => {
    expect(checkTopicName('a_b').warning).toMatch(/collide/)
  })
})
