import { describe, expect, it } from 'vitest'
import { comparePosts, nextLamport, sortPosts } from '../../src/core/order/order.ts'

const id = (c: string) => c.repeat(64)

describe('comparePosts', () => {
  it('orders by lamport first', () => {
    expect(comparePosts({ lamport: 1, id: id('f') }, { lamport: 2, id: id('0') })).toBeLessThan(0)
    expect(comparePosts({ lamport: 10, id: id('0') }, { lamport: 9, id: id('f') })).toBeGreaterThan(0)
  })

  it('breaks ties by id as a hex string', () => {
    expect(comparePosts({ lamport: 3, id: id('a') }, { lamport: 3, id: id('b') })).toBeLessThan(0)
    expect(comparePosts({ lamport: 3, id: id('9') }, { lamport: 3, id: id('a') })).toBeLessThan(0)
    expect(comparePosts({ lamport: 3, id: id('c') }, { lamport: 3, id: id('c') })).toBe(0)
  })

  it('compares numerically beyond 2^31 (no subtraction tricks)', () => {
    expect(comparePosts({ lamport: 2 ** 40, id: id('0') }, { lamport: 2 ** 40 + 1, id: id('0') })).toBeLessThan(0)
    expect(comparePosts({ lamport: Number.MAX_SAFE_INTEGER, id: id('0') }, { lamport: 1, id: id('0') })).toBeGreaterThan(0)
  })
})

describe('sortPosts', () => {
  const posts = [
    { lamport: 2, id: id('1'), text: 'c' },
    { lamport: 1, id: id('e'), text: 'b' },
    { lamport: 2, id: id('0'), text: 'd' },
    { lamport: 1, id: id('3'), text: 'a' },
    { lamport: 5, id: id('2'), text: 'e' },
  ]

  it('gives the same order from any arrival order', () => {
    const expected = ['a', 'b', 'd', 'c', 'e']
    expect(sortPosts(posts).map((p) => p.text)).toEqual(expected)
    expect(sortPosts([...posts].reverse()).map((p) => p.text)).toEqual(expected)
    for (let i = 0; i < 20; i++) {
      const shuffled = [...posts].sort(() => Math.random() - 0.5)
      expect(sortPosts(shuffled).map((p) => p.text)).toEqual(expected)
    }
  })

  it('returns a copy and keeps the element type', () => {
    const input = [...posts]
    const sorted = sortPosts(input)
    expect(input).toEqual(posts)
    expect(sorted).not.toBe(input)
    expect(sorted[0]?.text).toBe('a')
  })
})

describe('nextLamport', () => {
  it('is 1 in an empty room and one more than the largest stored otherwise', () => {
    expect(nextLamport(undefined)).toBe(1)
    expect(nextLamport(0)).toBe(1)
    expect(nextLamport(41)).toBe(42)
  })

  it('makes a reply sort after what it answers', () => {
    const seen = { lamport: 9, id: id('f') }
    const reply = { lamport: nextLamport(seen.lamport), id: id('0') }
    expect(comparePosts(seen, reply)).toBeLessThan(0)
  })

  it('stays at 2^53 - 1 rather than produce a post everyone rejects', () => {
    expect(nextLamport(Number.MAX_SAFE_INTEGER - 1)).toBe(Number.MAX_SAFE_INTEGER)
    expect(nextLamport(Number.MAX_SAFE_INTEGER)).toBe(Number.MAX_SAFE_INTEGER)
  })
})
