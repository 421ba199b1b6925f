import { useState } from 'react'
import type { Chat } from '../core/chat/chat.ts'
import type { RoomRow } from '../core/store/db.ts'
import { makeRoomLink } from '../core/room/room-link.ts'

export function RoomHeader({ chat, room }: { chat: Chat; room: RoomRow }) {
  const link = makeRoomLink(location.href.split('#')[0]!, room.secret, room.title)
  const [copied, setCopied] = useState(false)
  const [editing, setEditing] = useState(false)
  const [title, setTitle] = useState(room.title)

  async function copy() {
    try {
      await navigator.clipboard.writeText(link)
      setCopied(true)
      setTimeout(() => setCopied(false), 1500)
    } catch {
      prompt('Copy this link', link)
    }
  }

  return (
    <section className="room-head">
      {editing ? (
        <form
          onSubmit={(e) => {
            e.preventDefault()
            void chat.setTitle(room.id, title).then(() => setEditing(false))
          }}
        >
          <input aria-label="Room title" data-testid="room-title-edit" value={title} maxLength={80} autoFocus onChange={(e) => setTitle(e.target.value)} />
          <button type="submit">Save</button>
        </form>
      ) : (
        <h2>
          <span data-testid="room-title">{room.title || 'Untitled room'}</span>{' '}
          <button className="link" onClick={() => setEditing(true)} aria-label="Rename room">
            ✎
          </button>
        </h2>
      )}
      <div className="share">
        <input readOnly aria-label="Room link" data-testid="room-link" data-link={link} value={link} onFocus={(e) => e.currentTarget.select()} />
        <button onClick={() => void copy()}>{copied ? 'Copied' : 'Copy link'}</button>
      </div>
      <p className="muted small">Anyone with this link can read and write in the room. The secret is after the #, which is never sent to a server.</p>
    </section>
  )
}
