// The post writer over a real Dexie database (fake-indexeddb stands in for the browser's
// IndexedDB in Node): when posts are written, and in how many transactions.
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { PostWriter } from '../../src/core/chat/post-writer.ts'
import { openDatabase, type PostRow, type RodaDB } from '../../src/core/store/db.ts'

let opened: RodaDB[] = []
let n = 0
let seq = 0

function post(): PostRow {
  seq++
  return { id: `p${seq}`, room: 'r', author: 'aa'.repeat(32), name: 'x', lamport: seq, ts: Date.now(), text: `t${seq}`, signed: new Uint8Array(1), sig: new Uint8Array(64), receivedAt: Date.now() }
}

function setup() {
  const db = openDatabase(`writer-${++n}`)
  opened.push(db)
  const bulkPut = vi.spyOn(db.posts, 'bulkPut')
  return { db, bulkPut, writer: new PostWriter(db) }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

afterEach(async () => {
  for (const db of opened) db.close()
  opened = []
})

describe('PostWriter', () => {
  it('writes a received post that comes alone at once, not after waiting for company', async () => {
    const { db, bulkPut, writer } = setup()
    await db.open()
    for (let i = 1; i <= 3; i++) {
      void writer.addReceived(post())
      // Timers fire in the order they are due: the writer's own, if due at once, comes first.
      await sleep(10)
      expect(bulkPut).toHaveBeenCalledTimes(i)
      await sleep(20)
    }
    expect(await db.posts.count()).toBe(3)
  })

  it('gathers received posts that come in a burst into a few transactions', async () => {
    const { db, bulkPut, writer } = setup()
    await db.open()
    const all: Promise<void>[] = []
    for (let i = 0; i < 30; i++) {
      all.push(writer.addReceived(post()))
      await sleep(1)
    }
    await Promise.all(all)
    expect(await db.posts.count()).toBe(30)
    // The first of the burst went alone; the rest waited for one another.
    expect(bulkPut.mock.calls.length).toBeLessThan(5)
  })

  it('holds a row given a delay that long, and flush writes it at once', async () => {
    const { db, writer } = setup()
    void writer.add(post(), 1_000)
    await sleep(20)
    expect(await db.posts.count()).toBe(0)
    await writer.flush()
    expect(await db.posts.count()).toBe(1)
  })
})
