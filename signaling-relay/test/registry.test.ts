import { describe, expect, it } from 'vitest'
import { Registry } from '../src/registry.ts'

const r = (peerId: string) => ({ peerId })

describe('Registry', () => {
  it('lists the others, most recent first, up to a limit', () => {
    const reg = new Registry<{ peerId: string }>(100)
    for (const id of ['a', 'b', 'c', 'd']) reg.join('ns', r(id))
    expect(reg.others('ns', 'c', 10)).toEqual(['d', 'b', 'a'])
    expect(reg.others('ns', 'x', 2)).toEqual(['d', 'c'])
    expect(reg.others('other', 'a', 10)).toEqual([])
  })

  it('keeps one entry per peer and reports what it replaced', () => {
    const reg = new Registry<{ peerId: string }>(100)
    const old = r('a')
    const fresh = r('a')
    expect(reg.join('ns', old)).toEqual({ status: 'added' })
    expect(reg.join('ns', old)).toEqual({ status: 'refreshed' })
    expect(reg.join('ns', fresh)).toEqual({ status: 'added', previous: old })
    expect(reg.size).toBe(1)
    expect([...reg.members('ns')]).toEqual([fresh])
    // The replaced registrant can no longer remove the entry.
    expect(reg.leave('ns', old)).toBe(false)
    expect(reg.leave('ns', fresh)).toBe(true)
    expect(reg.size).toBe(0)
  })

  it('moves a re-joining peer to the front', () => {
    const reg = new Registry<{ peerId: string }>(100)
    const a = r('a')
    reg.join('ns', a)
    reg.join('ns', r('b'))
    reg.join('ns', a)
    expect(reg.others('ns', 'x', 10)).toEqual(['a', 'b'])
  })

  it('refuses new registrations past the global cap', () => {
    const reg = new Registry<{ peerId: string }>(2)
    const a = r('a')
    reg.join('n1', a)
    reg.join('n2', r('b'))
    expect(reg.join('n3', r('c'))).toEqual({ status: 'full' })
    expect(reg.join('n1', a)).toEqual({ status: 'refreshed' })
    reg.leave('n1', a)
    expect(reg.join('n3', r('c'))).toEqual({ status: 'added' })
  })
})
