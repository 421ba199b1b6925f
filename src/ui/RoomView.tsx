import { useLiveQuery } from 'dexie-react-hooks'
import { useMemo } from 'react'
import type { Chat } from '../core/chat/chat.ts'
import { latestPosts } from '../core/store/repo.ts'
import { useObservable } from './use-observable.ts'
import { authorLabels } from './labels.ts'
import { Composer } from './Composer.tsx'
import { MessageList } from './MessageList.tsx'
import { PeerList } from './PeerList.tsx'
import { RoomHeader } from './RoomHeader.tsx'

// Enough history for a first slice; long rooms get a virtualised list later (issue 4).
const SHOWN = 500

export function RoomView({ chat, roomId }: { chat: Chat; roomId: string }) {
  const channel = chat.channel(roomId)!
  const room = useLiveQuery(() => chat.db.rooms.get(roomId), [chat, roomId])
  const posts = useLiveQuery(() => latestPosts(chat.db, roomId, SHOWN), [chat, roomId])
  const peers = useObservable(channel.peers)
  const self = useObservable(chat.self)!

  const labels = useMemo(() => {
    const authors = [{ key: self.publicKeyHex, name: self.name }]
    for (const p of posts ?? []) authors.push({ key: p.author, name: p.name })
    for (const p of peers) if (p.author && p.name) authors.push({ key: p.author, name: p.name })
    return authorLabels(authors)
  }, [posts, peers, self])

  if (!room) return null
  return (
    <main className="room" data-room-id={roomId}>
      <RoomHeader chat={chat} room={room} />
      <PeerList peers={peers} labels={labels} />
      <MessageList posts={posts ?? []} labels={labels} selfKey={self.publicKeyHex} />
      <Composer onSend={(text) => chat.send(roomId, text)} />
    </main>
  )
}
