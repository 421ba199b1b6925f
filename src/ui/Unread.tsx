import { useEffect, useRef, useState } from 'react'
import { useLiveQuery } from 'dexie-react-hooks'
import type { Chat } from '../core/chat/chat.ts'
import { getSetting } from '../core/store/repo.ts'
import { useObservable } from './use-observable.ts'
import { useVisible } from './use-visible.ts'
import { useT } from './i18n/index.ts'
import { disableNotifications, enableNotifications, listenForNotificationClicks, notificationPermission, notifyUnread, NOTIFY_SETTING } from './notifications.ts'

const BASE_TITLE = document.title || 'Roda'

/** Unread posts per room (rooms with none are absent), following the database. */
export function useUnread(chat: Chat): ReadonlyMap<string, number> {
  useEffect(() => chat.unread.watch(), [chat])
  return useObservable(chat.unread)
}

/** While the room is on screen in a visible tab, whatever arrives in it is read. */
export function useMarkRead(chat: Chat, roomId: string): void {
  const visible = useVisible()
  useEffect(() => (visible ? chat.unread.read(roomId) : undefined), [visible, chat, roomId])
}

/**
 * The total unread count in the tab's title ("(3) Roda"), and a notification when a post from
 * someone else arrives while the tab is hidden (if the user switched them on).
 */
export function UnreadWatcher({ chat, selfKey }: { chat: Chat; selfKey: string }) {
  const unread = useUnread(chat)
  const total = [...unread.values()].reduce((a, b) => a + b, 0)
  const previous = useRef<ReadonlyMap<string, number>>(undefined)

  useEffect(() => {
    document.title = total > 0 ? `(${total}) ${BASE_TITLE}` : BASE_TITLE
  }, [total])

  useEffect(() => {
    const before = previous.current
    previous.current = unread
    // The first count is what was already waiting: nothing new to tell.
    if (!before || document.visibilityState !== 'hidden') return
    for (const [roomId, n] of unread) {
      if (n > (before.get(roomId) ?? 0)) void notifyUnread(chat, roomId, n, selfKey)
    }
  }, [unread, chat, selfKey])

  useEffect(() => listenForNotificationClicks(), [])
  return null
}

/**
 * Switches notifications on (asking the browser for permission, only here, on a click) or off.
 * `compact`: in the room view, shown only while they are off and could be switched on.
 */
export function NotifyToggle({ chat, compact = false }: { chat: Chat; compact?: boolean }) {
  const [permission, setPermission] = useState(notificationPermission)
  const enabled = useLiveQuery(() => getSetting<boolean>(chat.db, NOTIFY_SETTING), [chat])
  const on = permission === 'granted' && enabled === true
  const { t } = useT()

  if (permission === 'unsupported') return compact ? null : <p className="small muted">{t('notify.unsupported')}</p>
  if (permission === 'denied') return compact ? null : <p className="small muted">{t('notify.blocked')}</p>
  if (compact && (on || enabled === false)) return null

  return on ? (
    <p className="small">
      {t('notify.on')}{' '}
      <button type="button" className="link" data-testid="notify-toggle" data-state="on" onClick={() => void disableNotifications(chat)}>
        {t('notify.turnOff')}
      </button>
    </p>
  ) : (
    <button type="button" className={compact ? 'link small' : undefined} data-testid="notify-toggle" data-state="off" onClick={() => void enableNotifications(chat).then(setPermission)}>
      <span aria-hidden="true">🔔</span> {t('notify.turnOn')}
    </button>
  )
}
