import type { IdentityRow, PostRow, RodaDB, RoomRow } from './db.ts'

export async function loadIdentityRow(db: RodaDB): Promise<IdentityRow | undefined> {
  return db.identity.get('self')
}

export async function saveIdentityRow(db: RodaDB, row: IdentityRow): Promise<void> {
  await db.identity.put(row)
}

export async function renameSelf(db: RodaDB, name: string): Promise<void> {
  await db.identity.update('self', { name })
}

export async function listRooms(db: RodaDB): Promise<RoomRow[]> {
  return db.rooms.orderBy('lastOpenedAt').reverse().toArray()
}

/** Adds the room if it is new; an existing room keeps its title unless it had none. */
export async function upsertRoom(db: RodaDB, room: Pick<RoomRow, 'id' | 'secret' | 'title'>): Promise<RoomRow> {
  return db.transaction('rw', db.rooms, async () => {
    const now = Date.now()
    const existing = await db.rooms.get(room.id)
    const row: RoomRow = existing
      ? { ...existing, title: existing.title || room.title, lastOpenedAt: now }
      : { ...room, joinedAt: now, lastOpenedAt: now }
    await db.rooms.put(row)
    return row
  })
}

export async function setRoomTitle(db: RodaDB, roomId: string, title: string): Promise<void> {
  await db.rooms.update(roomId, { title })
}

export async function touchRoom(db: RodaDB, roomId: string): Promise<void> {
  await db.rooms.update(roomId, { lastOpenedAt: Date.now() })
}

/** (lamport, id) of every post in a room, in display order, read from the index alone. */
export async function orderKeysOfRoom(db: RodaDB, roomId: string): Promise<Array<[number, string]>> {
  const keys = await db.posts
    .where('[room+lamport+id]')
    .between([roomId, -Infinity, ''], [roomId, Infinity, '\uffff'])
    .keys()
  return (keys as unknown as Array<[string, number, string]>).map(([, lamport, id]) => [lamport, id])
}


export async function putPosts(db: RodaDB, rows: PostRow[]): Promise<void> {
  if (rows.length === 0) return
  await db.posts.bulkPut(rows)
}

export async function postsByIds(db: RodaDB, ids: string[]): Promise<PostRow[]> {
  const rows = await db.posts.bulkGet(ids)
  return rows.filter((r): r is PostRow => r !== undefined)
}

/**
 * Records that a peer's device now holds all of `author`'s posts in a room up to `upTo`
 * (receivedAt): a completed sync proves it. Marks them sent and adds the peer's key (when known)
 * to the receipts. Only rows that change are written; they are returned.
 */
export async function markDelivered(db: RodaDB, roomId: string, author: string, upTo: number, peerKey?: string): Promise<PostRow[]> {
  return db.transaction('rw', db.posts, async () => {
    const rows = await db.posts
      .where('[room+author]')
      .equals([roomId, author])
      .and((p) => p.receivedAt <= upTo && (p.status !== 'sent' || (peerKey !== undefined && !(p.seenBy ?? []).includes(peerKey))))
      .toArray()
    for (const p of rows) {
      p.status = 'sent'
      if (peerKey !== undefined && !(p.seenBy ?? []).includes(peerKey)) p.seenBy = [...(p.seenBy ?? []), peerKey]
    }
    await db.posts.bulkPut(rows)
    return rows
  })
}

export async function getSetting<T>(db: RodaDB, key: string): Promise<T | undefined> {
  const row = await db.settings.get(key)
  return row?.value as T | undefined
}

export async function setSetting(db: RodaDB, key: string, value: unknown): Promise<void> {
  await db.settings.put({ key, value })
}
