import { useState, type FormEvent } from 'react'
import { useLiveQuery } from 'dexie-react-hooks'
import type { Chat } from '../core/chat/chat.ts'
import { listRooms } from '../core/store/repo.ts'
import { makeRoomLink } from '../core/room/room-link.ts'
import { navigate } from './use-hash.ts'
import { useUnread } from './Unread.tsx'
import { useT } from './i18n/index.ts'

export function roomHash(secret: Uint8Array, title: string): string {
  return new URL(makeRoomLink(location.href.split('#')[0]!, secret, title)).hash
}

export function RoomList({ chat }: { chat: Chat }) {
  const rooms = useLiveQuery(() => listRooms(chat.db), [chat])
  const unread = useUnread(chat)
  const [title, setTitle] = useState('')
  const { t } = useT()

  async function create(e: FormEvent) {
    e.preventDefault()
    const row = await chat.createRoom(title)
    setTitle('')
    navigate(roomHash(row.secret, row.title))
  }

  return (
    <main className="rooms pad">
      <form className="new-room" onSubmit={create}>
        <label htmlFor="room-title">{t('rooms.newLabel')}</label>
        <input id="room-title" data-testid="room-title-input" value={title} maxLength={80} placeholder={t('rooms.titlePlaceholder')} onChange={(e) => setTitle(e.target.value)} />
        <button data-testid="create-room" type="submit">
          {t('rooms.create')}
        </button>
      </form>
      <h1>{t('rooms.heading')}</h1>
      {rooms && rooms.length === 0 && <p className="muted">{t('rooms.empty')}</p>}
      <ul className="room-list">
        {rooms?.map((r) => {
          const n = unread.get(r.id) ?? 0
          const name = r.title || t('rooms.fallbackName', { id: r.id.slice(0, 6) })
          return (
            <li key={r.id} className={n > 0 ? 'has-unread' : undefined}>
              <a data-testid="room-item" data-room-id={r.id} href={roomHash(r.secret, r.title)} aria-label={n > 0 ? t('rooms.unreadLabel', { name, count: n }) : undefined}>
                {name}
              </a>
              {/* Next to the link, not in it: the link's text stays the room's name. */}
              {n > 0 && (
                <span className="unread" data-testid="unread" data-count={n} aria-hidden="true">
                  {n > 99 ? '99+' : n}
                </span>
              )}
            </li>
          )
        })}
      </ul>
    </main>
  )
}
