import { useLiveQuery } from 'dexie-react-hooks'
import { memo, useCallback, useEffect, useMemo, useRef, useSyncExternalStore } from 'react'
import type { Chat } from '../core/chat/chat.ts'
import type { Timeline } from '../core/chat/timeline.ts'
import { useT } from './i18n/index.ts'
import { useObservable } from './use-observable.ts'
import { authorLabels, labelFor } from './labels.ts'
import { Composer } from './Composer.tsx'
import { MessageList } from './MessageList.tsx'
import { PeerList } from './PeerList.tsx'
import { RoomHeader } from './RoomHeader.tsx'
import { useMarkRead } from './Unread.tsx'
import { markFirstViewShown } from './first-view.ts'

export function RoomView({ chat, roomId }: { chat: Chat; roomId: string }) {
  const channel = chat.channel(roomId)!
  const room = useLiveQuery(() => chat.db.rooms.get(roomId), [chat, roomId])
  // Only whether there are posts: the posts themselves are read by RoomPosts below, so a new
  // post redraws the list and not the whole room.
  const hasPosts = useSyncExternalStore(channel.timeline.subscribe, () => channel.timeline.value.length > 0)
  const peers = useObservable(channel.peers)
  const self = useObservable(chat.self)!
  useMarkRead(chat, roomId)

  const postAuthors = useObservable(channel.timeline.authors)
  // Every author:name pair in the room, one per line (names have no control characters): the
  // labels, and every row drawn with them, change only when it does, not with every post.
  const authors = useMemo(() => {
    const pairs = new Set<string>([`${self.publicKeyHex}:${self.name}`])
    if (postAuthors) for (const pair of postAuthors.split('\n')) pairs.add(pair)
    for (const p of peers) if (p.author && p.name) pairs.add(`${p.author}:${p.name}`)
    return [...pairs].join('\n')
  }, [postAuthors, peers, self])
  const labels = useMemo(() => authorLabels(authors.split('\n').map(splitAuthor)), [authors])
  const send = useCallback(async (text: string) => void (await chat.send(roomId, text)), [chat, roomId])
  useEffect(() => {
    if (room) markFirstViewShown()
  }, [room])

  if (!room) return null
  return (
    <main className="room" data-room-id={roomId}>
      <RoomHeader key={room.id} chat={chat} room={room} hasPosts={hasPosts} />
      <PeerList peers={peers} labels={labels} hasTurn={chat.network?.hasTurn ?? false} />
      <RoomPosts timeline={channel.timeline} labels={labels} selfKey={self.publicKeyHex} />
      <Composer onSend={send} />
    </main>
  )
}

/** The room's posts, and the announcement of new ones. Both watch the timeline themselves. */
const RoomPosts = memo(function RoomPostsList({ timeline, labels, selfKey }: { timeline: Timeline; labels: Map<string, string>; selfKey: string }) {
  const announcer = useNewPostAnnouncer(timeline, labels, selfKey)
  return (
    <>
      <MessageList timeline={timeline} labels={labels} selfKey={selfKey} />
      <p className="sr-only" role="status" aria-atomic="true" ref={announcer} />
    </>
  )
})

/** `key:name` back to its parts (a hex key has no colon; a name may). */
function splitAuthor(pair: string): { key: string; name: string } {
  const at = pair.indexOf(':')
  return { key: pair.slice(0, at), name: pair.slice(at + 1) }
}

/**
 * One polite announcement when posts from others arrive while the room is open: the post
 * itself, or how many came at once. History already there on opening, one's own posts and
 * receipt changes are never read out (the list itself is not a live region).
 */
function useNewPostAnnouncer(timeline: Timeline, labels: Map<string, string>, selfKey: string) {
  const region = useRef<HTMLParagraphElement>(null)
  const seen = useRef<Set<string>>(undefined)
  const { t } = useT()
  useEffect(() => {
    // In a task of its own, never inside the one that draws the post: a screen reader is not
    // that hurried. Posts that come meanwhile are all looked at by the next run.
    let timer: ReturnType<typeof setTimeout> | undefined
    const check = () => {
      timer = undefined
      const posts = timeline.value
      const first = seen.current === undefined || (seen.current.size === 0 && posts.length > 1)
      const known = (seen.current ??= new Set())
      const added = posts.filter((p) => !known.has(p.id))
      for (const p of added) known.add(p.id)
      // The first non-empty list is the history the room opened with.
      if (first) return
      const fresh = added.filter((p) => p.author !== selfKey)
      if (!region.current || fresh.length === 0) return
      const last = fresh[fresh.length - 1]!
      region.current.textContent =
        fresh.length === 1 ? t('messages.newFrom', { name: labelFor(labels, last.author, last.name), text: last.text }) : t('messages.newCount', { count: fresh.length })
    }
    const soon = () => {
      timer ??= setTimeout(check)
    }
    soon()
    const unsubscribe = timeline.subscribe(soon)
    return () => {
      unsubscribe()
      clearTimeout(timer)
    }
  }, [timeline, labels, selfKey, t])
  return region
}
