// Receipts over a real Dexie database (fake-indexeddb stands in for the browser's IndexedDB).
import 'fake-indexeddb/auto'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase, type PostRow, type RodaDB } from '../../src/core/store/db.ts'
import { markDelivered, putPosts } from '../../src/core/store/repo.ts'

const ME = 'aa'.repeat(32)
const PEER = 'bb'.repeat(32)
let opened: RodaDB[] = []
let n = 0

function post(id: string, receivedAt: number): PostRow {
  return { id, room: 'r', author: ME, name: 'ana', lamport: receivedAt, ts: receivedAt, text: id, signed: new Uint8Array(1), sig: new Uint8Array(64), receivedAt, status: 'pending' }
}

afterEach(() => {
  for (const db of opened) db.close()
  opened = []
})

describe('markDelivered', () => {
  it('marks our posts up to the session start as held by the peer, except those it did not compare', async () => {
    const db = openDatabase(`receipts-${++n}`)
    opened.push(db)
    await putPosts(db, [post('old', 100), post('indexed-late', 150), post('after', 300)])
    const changed = await markDelivered(db, 'r', ME, 200, PEER, new Set(['indexed-late']))
    expect(changed.map((p) => p.id)).toEqual(['old'])
    const rows = new Map((await db.posts.toArray()).map((p) => [p.id, p]))
    expect(rows.get('old')).toMatchObject({ status: 'sent', seenBy: [PEER] })
    expect(rows.get('indexed-late')!.status).toBe('pending')
    expect(rows.get('after')!.status).toBe('pending')
  })
})
