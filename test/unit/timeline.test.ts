import { describe, expect, it } from 'vitest'
import { Timeline, type TimelineRow } from '../../src/core/chat/timeline.ts'

function row(lamport: number, id: string, author = 'aa', name = 'ana'): TimelineRow {
  return { id, room: 'r', author, name, lamport, ts: 0, text: id, receivedAt: 0 }
}
const nextTask = () => new Promise((r) => setTimeout(r, 20))

describe('Timeline', () => {
  it('keeps posts in display order (lamport, then id), whatever order they arrive in', async () => {
    const t = new Timeline()
    t.upsert([row(2, 'b'), row(1, 'z')])
    t.upsert([row(2, 'a'), row(3, 'c')])
    await nextTask()
    expect(t.value.map((r) => r.id)).toEqual(['z', 'a', 'b', 'c'])
  })

  it('replaces a post in place when it changes (a receipt), without duplicating it', async () => {
    const t = new Timeline()
    t.upsert([row(1, 'a'), row(2, 'b')])
    t.upsert([{ ...row(1, 'a'), status: 'sent' }])
    await nextTask()
    expect(t.value).toHaveLength(2)
    expect(t.value[0]!.status).toBe('sent')
  })

  it('never tells its listeners synchronously: network work in the same task goes first', async () => {
    const t = new Timeline()
    let told = 0
    t.subscribe(() => told++)
    t.upsert([row(1, 'a')])
    await Promise.resolve()
    expect(told).toBe(0)
    await nextTask()
    expect(told).toBe(1)
  })

  it('draws a post received off the network before the task ends, but still not synchronously', async () => {
    const t = new Timeline()
    let told = 0
    t.subscribe(() => told++)
    t.upsert([row(1, 'a')], { received: true })
    expect(told).toBe(0)
    await Promise.resolve()
    expect(told).toBe(1)
    expect(t.value.map((r) => r.id)).toEqual(['a'])
  })

  it('draws a row given `after` no sooner, unless a received post is drawn first', async () => {
    const t = new Timeline()
    let told = 0
    t.subscribe(() => told++)
    t.upsert([row(1, 'mine')], { after: 30 })
    await new Promise((r) => setTimeout(r, 10))
    expect(told).toBe(0)
    await new Promise((r) => setTimeout(r, 40))
    expect(told).toBe(1)
    expect(t.value.map((r) => r.id)).toEqual(['mine'])

    await new Promise((r) => setTimeout(r, 20))
    t.upsert([row(2, 'mine2')], { after: 30 })
    t.upsert([row(3, 'theirs')], { received: true })
    await Promise.resolve()
    expect(told).toBe(2)
    expect(t.value.map((r) => r.id)).toEqual(['mine', 'mine2', 'theirs'])
  })

  it('gathers received posts that arrive in a burst, too', async () => {
    const t = new Timeline()
    let told = 0
    t.subscribe(() => told++)
    for (let i = 0; i < 200; i++) {
      t.upsert([row(i, `p${i}`)], { received: true })
      await Promise.resolve()
    }
    await new Promise((r) => setTimeout(r, 100))
    expect(t.value).toHaveLength(200)
    expect(told).toBeLessThan(5)
  })

  it('gathers a burst into a few notifications', async () => {
    const t = new Timeline()
    let told = 0
    t.subscribe(() => told++)
    for (let i = 0; i < 200; i++) t.upsert([row(i, `p${i}`)])
    await new Promise((r) => setTimeout(r, 100))
    expect(t.value).toHaveLength(200)
    expect(told).toBeLessThan(5)
  })

  it('lists each author:name pair once, changing only when a new one writes', async () => {
    const t = new Timeline()
    let changes = 0
    t.authors.subscribe(() => changes++)
    t.upsert([row(1, 'a', 'k1', 'ana'), row(2, 'b', 'k2', 'bia')])
    await nextTask()
    t.upsert([row(3, 'c', 'k1', 'ana')])
    await nextTask()
    expect(changes).toBe(1)
    t.upsert([row(4, 'd', 'k1', 'ana maria')])
    await nextTask()
    expect(t.authors.value.split('\n')).toEqual(['k1:ana', 'k2:bia', 'k1:ana maria'])
    expect(changes).toBe(2)
  })
})
