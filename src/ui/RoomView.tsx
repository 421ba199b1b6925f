import { useLiveQuery } from 'dexie-react-hooks'
import { useEffect, useMemo, useRef } from 'react'
import type { Chat } from '../core/chat/chat.ts'
import type { TimelineRow } from '../core/chat/timeline.ts'
import { useT } from './i18n/index.ts'
import { useObservable } from './use-observable.ts'
import { authorLabels } from './labels.ts'
import { Composer } from './Composer.tsx'
import { MessageList } from './MessageList.tsx'
import { PeerList } from './PeerList.tsx'
import { RoomHeader } from './RoomHeader.tsx'
import { useMarkRead } from './Unread.tsx'

export function RoomView({ chat, roomId }: { chat: Chat; roomId: string }) {
  const channel = chat.channel(roomId)!
  const room = useLiveQuery(() => chat.db.rooms.get(roomId), [chat, roomId])
  const posts = useObservable(channel.timeline)
  const peers = useObservable(channel.peers)
  const self = useObservable(chat.self)!
  useMarkRead(chat, roomId)

  const labels = useMemo(() => {
    const authors = new Map<string, { key: string; name: string }>()
    const add = (key: string, name: string) => authors.set(`${key}:${name}`, { key, name })
    add(self.publicKeyHex, self.name)
    for (const p of posts) add(p.author, p.name)
    for (const p of peers) if (p.author && p.name) add(p.author, p.name)
    return authorLabels(authors.values())
  }, [posts, peers, self])
  const announcer = useNewPostAnnouncer(posts, labels, self.publicKeyHex)

  if (!room) return null
  return (
    <main className="room" data-room-id={roomId}>
      <RoomHeader key={room.id} chat={chat} room={room} hasPosts={posts.length > 0} />
      <PeerList peers={peers} labels={labels} />
      <MessageList posts={posts} labels={labels} selfKey={self.publicKeyHex} />
      <p className="sr-only" role="status" aria-atomic="true" ref={announcer} />
      <Composer onSend={(text) => chat.send(roomId, text)} />
    </main>
  )
}

/**
 * One polite announcement when posts from others arrive while the room is open: the post
 * itself, or how many came at once. History already there on opening, one's own posts and
 * receipt changes are never read out (the list itself is not a live region).
 */
function useNewPostAnnouncer(posts: readonly TimelineRow[], labels: Map<string, string>, selfKey: string) {
  const region = useRef<HTMLParagraphElement>(null)
  const seen = useRef<Set<string>>(undefined)
  const { t } = useT()
  useEffect(() => {
    const before = seen.current
    seen.current = new Set(posts.map((p) => p.id))
    // The first non-empty list is the history the room opened with.
    if (!before || (before.size === 0 && posts.length > 1)) return
    const fresh = posts.filter((p) => !before.has(p.id) && p.author !== selfKey)
    if (!region.current || fresh.length === 0) return
    const last = fresh[fresh.length - 1]!
    region.current.textContent =
      fresh.length === 1 ? t('messages.newFrom', { name: labels.get(`${last.author}:${last.name}`) ?? last.name, text: last.text }) : t('messages.newCount', { count: fresh.length })
  }, [posts, labels, selfKey, t])
  return region
}
