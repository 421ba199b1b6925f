import { memo, lazy, Suspense, useState } from 'react'
import type { Chat } from '../core/chat/chat.ts'
import type { RoomRow } from '../core/store/db.ts'
import { makeRoomLink } from '../core/room/room-link.ts'
import { NotifyToggle } from './Unread.tsx'
import { useT } from './i18n/index.ts'

// The QR encoder is only needed once a room is on screen: keep it out of the first bundle.
const RoomQr = lazy(() => import('./RoomQr.tsx').then((m) => ({ default: m.RoomQr })))

/**
 * Title, link and sharing. The QR code sits in a <details> that starts open while the room has
 * no posts (when people are still joining) and closed otherwise, so it never eats a phone's
 * screen; the canvas (`room-qr`) is in the page either way, `share-toggle` opens and closes it.
 */
// Memoised: the room view redraws for every post; this does not need to.
export const RoomHeader = memo(function RoomHeaderBar({ chat, room, hasPosts = false }: { chat: Chat; room: RoomRow; hasPosts?: boolean }) {
  const link = makeRoomLink(location.href.split('#')[0]!, room.secret, room.title)
  const [showQr, setShowQr] = useState(!hasPosts)
  const canShare = typeof navigator.share === 'function'
  const [copied, setCopied] = useState(false)
  const [editing, setEditing] = useState(false)
  const [title, setTitle] = useState(room.title)
  const { t } = useT()

  async function copy() {
    try {
      await navigator.clipboard.writeText(link)
      setCopied(true)
      setTimeout(() => setCopied(false), 1500)
    } catch {
      prompt(t('room.copyPrompt'), link)
    }
  }

  async function share() {
    try {
      await navigator.share({ title: room.title || t('room.shareTitle'), text: t('room.shareText'), url: link })
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
          <input aria-label={t('room.titleLabel')} data-testid="room-title-edit" value={title} maxLength={80} autoFocus onChange={(e) => setTitle(e.target.value)} />
          <button type="submit">{t('settings.save')}</button>
        </form>
      ) : (
        <h1>
          <span data-testid="room-title">{room.title || t('room.untitled')}</span>{' '}
          <button className="link" onClick={() => setEditing(true)} aria-label={t('room.rename')}>
            <span aria-hidden="true">✎</span>
          </button>
        </h1>
      )}
      <div className="share">
        <input readOnly aria-label={t('room.linkLabel')} data-testid="room-link" data-link={link} value={link} onFocus={(e) => e.currentTarget.select()} />
        <button onClick={() => void copy()}>{copied ? t('room.copied') : t('room.copy')}</button>
        {canShare && (
          <button data-testid="share-native" onClick={() => void share()}>
            {t('room.share')}
          </button>
        )}
      </div>
      <details className="share-qr" open={showQr} onToggle={(e) => setShowQr(e.currentTarget.open)}>
        <summary data-testid="share-toggle">{t('room.qrToggle')}</summary>
        <Suspense fallback={<div className="qr" aria-hidden="true" />}>
          <RoomQr link={link} />
        </Suspense>
        <p className="muted small">{t('room.secretNote')}</p>
      </details>
      <NotifyToggle chat={chat} compact />
    </section>
  )
})
