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

/** The largest Lamport clock stored in a room, or undefined for an empty room. */
export async function maxLamport(db: RodaDB, roomId: string): Promise<number | undefined> {
  const last = await db.posts
    .where('[room+lamport+id]')
    .between([roomId, -Infinity, ''], [roomId, Infinity, '\uffff'])
    .last()
  return last?.lamport
}

export async function postIdsOfRoom(db: RodaDB, roomId: string): Promise<string[]> {
  const keys = await db.posts
    .where('[room+lamport+id]')
    .between([roomId, -Infinity, ''], [roomId, Infinity, '\uffff'])
    .primaryKeys()
  return keys as string[]
}

/** The newest `limit` posts of a room, in display order. */
export async function latestPosts(db: RodaDB, roomId: string, limit: number): Promise<PostRow[]> {
  const rows = await db.posts
    .where('[room+lamport+id]')
    .between([roomId, -Infinity, ''], [roomId, Infinity, '\uffff'])
    .reverse()
    .limit(limit)
    .toArray()
  return rows.reverse()
}

export async function putPosts(db: RodaDB, rows: PostRow[]): Promise<void> {
  if (rows.length === 0) return
  await db.posts.bulkPut(rows)
}

export async function markPostsSent(db: RodaDB, ids: string[]): Promise<void> {
  if (ids.length === 0) return
  await db.transaction('rw', db.posts, async () => {
    await db.posts.where('id').anyOf(ids).and((p) => p.status === 'pending').modify({ status: 'sent' })
  })
}

export async function getSetting<T>(db: RodaDB, key: string): Promise<T | undefined> {
  const row = await db.settings.get(key)
  return row?.value as T | undefined
}

export async function setSetting(db: RodaDB, key: string, value: unknown): Promise<void> {
  await db.settings.put({ key, value })
}
