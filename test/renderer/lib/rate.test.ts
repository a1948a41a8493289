import { describe, expect, it } from 'vitest'
import { RateWindow, pushBounded } from '../../../renderer/src/lib/rate.ts'

describe('RateWindow', () => {
  it('reports the rate over the window', () => {
    const w = new RateWindow(3)
    expect(w.perSecond()).toBeNull()
    w.add({ at: 0, value: 0 })
    w.add({ at: 1000, value: 100 })
    expect(w.perSecond()).toBe(100)
    w.add({ at: 2000, value: 300 })
    w.add({ at: 3000, value: 600 })
    expect(w.perSecond()).toBe(250)
  })
  it('restarts when the counter goes down', () => {
    const w = new RateWindow()
    w.add({ at: 0, value: 100 })
    w.add({ at: 1000, value: 10 })
    expect(w.perSecond()).toBeNull()
  })
  it('bounds a series', () => {
    expect(pushBounded([1, 2, 3], 4, 3)).toEqual([2, 3, 4])
  })
})
