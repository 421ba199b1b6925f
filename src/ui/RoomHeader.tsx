import { lazy, Suspense, useState } from 'react'
import type { Chat } from '../core/chat/chat.ts'
import type { RoomRow } from '../core/store/db.ts'
import { makeRoomLink } from '../core/room/room-link.ts'
import { NotifyToggle } from './Unread.tsx'

// The QR encoder is only needed once a room is on screen: keep it out of the first bundle.
const RoomQr = lazy(() => import('./RoomQr.tsx').then((m) => ({ default: m.RoomQr })))

/**
 * Title, link and sharing. The QR code sits in a <details> that starts open while the room has
 * no posts (when people are still joining) and closed otherwise, so it never eats a phone's
 * screen; the canvas (`room-qr`) is in the page either way, `share-toggle` opens and closes it.
 */
export function RoomHeader({ chat, room, hasPosts = false }: { chat: Chat; room: RoomRow; hasPosts?: boolean }) {
  const link = makeRoomLink(location.href.split('#')[0]!, room.secret, room.title)
  const [showQr, setShowQr] = useState(!hasPosts)
  const canShare = typeof navigator.share === 'function'
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

  async function share() {
    try {
      await navigator.share({ title: room.title || 'Roda room', text: 'Join me in this Roda room', url: link })
    } catch {
      // Dismissed, or not allowed: the link and the QR code are still there.
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
        {canShare && (
          <button data-testid="share-native" onClick={() => void share()}>
            Share…
          </button>
        )}
      </div>
      <details className="share-qr" open={showQr} onToggle={(e) => setShowQr(e.currentTarget.open)}>
        <summary data-testid="share-toggle">QR code: scan to join</summary>
        <Suspense fallback={<div className="qr" aria-hidden="true" />}>
          <RoomQr link={link} />
        </Suspense>
        <p className="muted small">Anyone with this link can read and write in the room. The secret is after the #, which is never sent to a server.</p>
      </details>
      <NotifyToggle chat={chat} compact />
    </section>
  )
}
