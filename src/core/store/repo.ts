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
      : { ...room, joinedAt: now, lastOpenedAt: now, lastReadAt: now }
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

/** The user has seen the room up to `at`: what arrived until then is no longer unread. */
export async function markRoomRead(db: RodaDB, roomId: string, at = Date.now()): Promise<void> {
  await db.rooms
    .where('id')
    .equals(roomId)
    .modify((room) => {
      if ((room.lastReadAt ?? 0) < at) room.lastReadAt = at
    })
}

/** Since when a room's posts count as unread (rooms from before read markers: since joining). */
function readUpTo(room: Pick<RoomRow, 'lastReadAt' | 'joinedAt'>): number {
  return room.lastReadAt ?? room.joinedAt
}

/** Posts received after the read marker, newest first, from `[room+receivedAt]` alone. */
function receivedSince(db: RodaDB, room: Pick<RoomRow, 'id' | 'lastReadAt' | 'joinedAt'>) {
  return db.posts.where('[room+receivedAt]').between([room.id, readUpTo(room)], [room.id, Infinity], false, true)
}

/** How many posts from others arrived in a room since the user last read it. */
export async function unreadCount(db: RodaDB, room: Pick<RoomRow, 'id' | 'lastReadAt' | 'joinedAt'>, selfKey: string): Promise<number> {
  return receivedSince(db, room)
    .filter((p) => p.author !== selfKey)
    .count()
}

/** Unread counts of every room that has any, by room id (`skip`: a room known to be read). */
export async function unreadByRoom(db: RodaDB, selfKey: string, skip?: string): Promise<Map<string, number>> {
  const rooms = (await db.rooms.toArray()).filter((r) => r.id !== skip)
  const counts = await Promise.all(rooms.map(async (r) => [r.id, await unreadCount(db, r, selfKey)] as const))
  return new Map(counts.filter(([, n]) => n > 0))
}

/** The newest unread post from someone else in a room, if any (for a notification). */
export async function latestUnread(db: RodaDB, roomId: string, selfKey: string): Promise<PostRow | undefined> {
  const room = await db.rooms.get(roomId)
  if (!room) return undefined
  return receivedSince(db, room)
    .reverse()
    .filter((p) => p.author !== selfKey)
    .first()
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
 * to the receipts; `except`: posts the session did not compare after all. Only rows that change
 * are written; they are returned.
 */
export async function markDelivered(db: RodaDB, roomId: string, author: string, upTo: number, peerKey?: string, except?: ReadonlySet<string>): Promise<PostRow[]> {
  return db.transaction('rw', db.posts, async () => {
    const rows = await db.posts
      .where('[room+author]')
      .equals([roomId, author])
      .and((p) => p.receivedAt <= upTo && !except?.has(p.id) && (p.status !== 'sent' || (peerKey !== undefined && !(p.seenBy ?? []).includes(peerKey))))
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
