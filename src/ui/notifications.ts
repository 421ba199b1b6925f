// System notifications for posts that arrive while the tab is hidden. Only ever after the user
// asked for them (a button, never a prompt on load), and only while they stay switched on.
import type { Chat } from '../core/chat/chat.ts'
import { makeRoomLink } from '../core/room/room-link.ts'
import { getSetting, latestUnread, setSetting } from '../core/store/repo.ts'
import { navigate } from './use-hash.ts'
import { translator } from './i18n/index.ts'

/** Setting key: true once the user switched notifications on, false when they switched them off. */
export const NOTIFY_SETTING = 'notify'
/** What a service worker posts to the page when its notification is clicked (see showNotification). */
export const OPEN_ROOM_MESSAGE = 'roda:open-room'

const MAX_BODY = 160

export function notificationsSupported(): boolean {
  return typeof Notification !== 'undefined'
}

export function notificationPermission(): NotificationPermission | 'unsupported' {
  return notificationsSupported() ? Notification.permission : 'unsupported'
}

/** Asks the browser (this is the only place that does) and remembers the user's choice. */
export async function enableNotifications(chat: Chat): Promise<NotificationPermission> {
  const permission = await Notification.requestPermission()
  if (permission === 'granted') await setSetting(chat.db, NOTIFY_SETTING, true)
  return permission
}

export async function disableNotifications(chat: Chat): Promise<void> {
  await setSetting(chat.db, NOTIFY_SETTING, false)
}

/** Tells about the newest unread post of a room, if notifications are on and allowed. */
export async function notifyUnread(chat: Chat, roomId: string, count: number, selfKey: string): Promise<void> {
  if (notificationPermission() !== 'granted' || (await getSetting<boolean>(chat.db, NOTIFY_SETTING)) !== true) return
  const [room, post] = await Promise.all([chat.db.rooms.get(roomId), latestUnread(chat.db, roomId, selfKey)])
  if (!room || !post) return
  const { t } = translator()
  const roomTitle = room.title || t('room.shareTitle')
  const text = post.text.length > MAX_BODY ? `${post.text.slice(0, MAX_BODY - 1)}…` : post.text
  const hash = new URL(makeRoomLink(location.href.split('#')[0]!, room.secret, room.title)).hash
  await show({
    title: count > 1 ? t('notify.manyTitle', { room: roomTitle, count }) : t('notify.oneTitle', { name: post.name, room: roomTitle }),
    body: count > 1 ? t('notify.manyBody', { name: post.name, text }) : text,
    // One notification per room, replaced as more posts arrive.
    tag: `roda-room-${roomId}`,
    hash,
  })
}

async function show({ title, body, tag, hash }: { title: string; body: string; tag: string; hash: string }): Promise<void> {
  try {
    const n = new Notification(title, { body, tag, data: { hash } })
    n.onclick = () => {
      window.focus()
      navigate(hash)
      n.close()
    }
    return
  } catch {
    // Chrome on Android allows notifications from a service worker only.
  }
  const registration = await navigator.serviceWorker?.getRegistration()
  // The service worker's notificationclick focuses this tab and posts OPEN_ROOM_MESSAGE to it
  // (or opens `url` when the tab is gone).
  await registration?.showNotification(title, { body, tag, data: { hash, url: `${location.href.split('#')[0]}${hash}` } })
}

/** Opens the room a service-worker notification was about, when it is clicked. */
export function listenForNotificationClicks(): () => void {
  const sw = navigator.serviceWorker
  if (!sw) return () => {}
  const onMessage = (e: MessageEvent) => {
    const data = e.data as { type?: unknown; hash?: unknown } | null
    if (data?.type === OPEN_ROOM_MESSAGE && typeof data.hash === 'string' && data.hash.startsWith('#room=')) navigate(data.hash)
  }
  sw.addEventListener('message', onMessage)
  return () => sw.removeEventListener('message', onMessage)
}
