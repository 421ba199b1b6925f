// Unread counts over a real Dexie database (fake-indexeddb stands in for the browser's
// IndexedDB in Node; Dexie, the queries and the change events are the real ones).
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { UnreadCounts } from '../../src/core/chat/unread.ts'
import { openDatabase, type PostRow, type RodaDB } from '../../src/core/store/db.ts'
import { putPosts, upsertRoom } from '../../src/core/store/repo.ts'

const ME = 'aa'.repeat(32)
const ANA = 'bb'.repeat(32)
let opened: RodaDB[] = []
let n = 0

async function setup() {
  const db = openDatabase(`unread-${++n}`)
  opened.push(db)
  for (const id of ['r1', 'r2']) await upsertRoom(db, { id, secret: new Uint8Array(32), title: id })
  // A post counts if received after the room was joined; markers have millisecond resolution.
  await new Promise((r) => setTimeout(r, 5))
  const unread = new UnreadCounts(db, () => ME)
  return { db, unread }
}

let seq = 0
function post(room: string, author: string): PostRow {
  seq++
  return { id: `p${seq}`, room, author, name: 'x', lamport: seq, ts: Date.now(), text: `t${seq}`, signed: new Uint8Array(1), sig: new Uint8Array(64), receivedAt: Date.now() }
}

afterEach(async () => {
  for (const db of opened) db.close()
  opened = []
})

describe('UnreadCounts', () => {
  it('counts posts from others per room, never one’s own', async () => {
    const { db, unread } = await setup()
    const stop = unread.watch()
    await putPosts(db, [post('r1', ANA), post('r1', ANA), post('r1', ME), post('r2', ANA)])
    await unread.settled()
    expect(Object.fromEntries(unread.value)).toEqual({ r1: 2, r2: 1 })
    stop()
  })

  it('a room being read stays at zero while posts arrive, and stays read after it is left', async () => {
    const { db, unread } = await setup()
    const stop = unread.watch()
    await putPosts(db, [post('r2', ANA)])
    const leave = unread.read('r1')
    for (let i = 0; i < 5; i++) {
      await putPosts(db, [post('r1', ANA)])
      await unread.settled()
      expect(unread.value.has('r1')).toBe(false)
    }
    leave()
    await unread.settled()
    expect(Object.fromEntries(unread.value)).toEqual({ r2: 1 })
    // What arrives after leaving counts again (the marker has millisecond resolution).
    await new Promise((r) => setTimeout(r, 5))
    await putPosts(db, [post('r1', ANA)])
    await unread.settled()
    expect(Object.fromEntries(unread.value)).toEqual({ r1: 1, r2: 1 })
    stop()
  })

  it('the read marker is in the database: a fresh counter (a reload) agrees', async () => {
    const { db, unread } = await setup()
    const stop = unread.watch()
    const leave = unread.read('r1')
    await putPosts(db, [post('r1', ANA), post('r1', ANA)])
    await unread.settled()
    leave()
    await unread.settled()
    stop()
    const again = new UnreadCounts(db, () => ME)
    const stop2 = again.watch()
    await again.settled()
    expect(again.value.size).toBe(0)
    stop2()
  })

  it('a burst of writes is counted with a few queries, not one per write', async () => {
    const { db, unread } = await setup()
    let reads = 0
    db.use({ stack: 'dbcore', name: 'count-reads', create: (down) => ({ ...down, table: (name) => {
      const t = down.table(name)
      return name === 'rooms' ? { ...t, query: (req) => (reads++, t.query(req)) } : t
    } }) })
    const stop = unread.watch()
    await unread.settled()
    reads = 0
    for (let i = 0; i < 50; i++) await putPosts(db, [post('r2', ANA)])
    await unread.settled()
    expect(unread.value.get('r2')).toBe(50)
    expect(reads).toBeLessThan(5)
    stop()
  })
})
