import { useLiveQuery } from 'dexie-react-hooks'
import { useMemo } from 'react'
import type { Chat } from '../core/chat/chat.ts'
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
  useMarkRead(chat, roomId, self.publicKeyHex)

  const labels = useMemo(() => {
    const authors = new Map<string, { key: string; name: string }>()
    const add = (key: string, name: string) => authors.set(`${key}:${name}`, { key, name })
    add(self.publicKeyHex, self.name)
    for (const p of posts) add(p.author, p.name)
    for (const p of peers) if (p.author && p.name) add(p.author, p.name)
    return authorLabels(authors.values())
  }, [posts, peers, self])

  if (!room) return null
  return (
    <main className="room" data-room-id={roomId}>
      <RoomHeader key={room.id} chat={chat} room={room} hasPosts={posts.length > 0} />
      <PeerList peers={peers} labels={labels} />
      <MessageList posts={posts} labels={labels} selfKey={self.publicKeyHex} />
      <Composer onSend={(text) => chat.send(roomId, text)} />
    </main>
  )
}
