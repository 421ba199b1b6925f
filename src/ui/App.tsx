import { useEffect, useState } from 'react'
import type { Chat } from '../core/chat/chat.ts'
import { parseRoomFragment } from '../core/room/room-link.ts'
import { deriveRoomKeys } from '../core/room/room-keys.ts'
import { useObservable } from './use-observable.ts'
import { useHash } from './use-hash.ts'
import { Onboarding } from './Onboarding.tsx'
import { RoomList } from './RoomList.tsx'
import { RoomView } from './RoomView.tsx'
import { Header } from './Header.tsx'
import { Settings } from './Settings.tsx'
import { UpdatePrompt } from './UpdatePrompt.tsx'
import { UnreadWatcher } from './Unread.tsx'
import { localeReady, startLocale, useT } from './i18n/index.ts'
import { markFirstViewShown } from './first-view.ts'

export function App({ chat }: { chat: Chat }) {
  const self = useObservable(chat.self)
  const hash = useHash()
  const [showSettings, setShowSettings] = useState(false)
  const link = parseRoomFragment(hash)
  const roomId = link ? deriveRoomKeys(link.secret).roomIdHex : undefined
  const [joined, setJoined] = useState<string | undefined>()
  const ready = useObservable(localeReady)
  const { t } = useT()

  // The network waits for the first real view to be drawn (RoomView says so itself, once its
  // history is on screen).
  const view = !ready ? 'none' : !self ? 'onboarding' : roomId && joined === roomId ? 'room' : link ? 'joining' : 'rooms'
  useEffect(() => {
    if (view === 'onboarding' || view === 'rooms') markFirstViewShown()
  }, [view])

  // The saved or the browser's language, before anything is drawn (English needs no download).
  useEffect(() => {
    void startLocale(chat.db)
  }, [chat])

  // Opening a link (first visit included, once onboarding is done) joins the room.
  useEffect(() => {
    if (!self || !link || !roomId || joined === roomId) return
    void chat.joinRoom(link.secret, link.title).then(() => setJoined(roomId))
  }, [chat, self, link, roomId, joined])

  if (!ready) return null
  if (!self) return (
    <>
      <UpdatePrompt />
      <Onboarding chat={chat} joining={Boolean(link)} />
    </>
  )
  return (
    <div className="app">
      <Header chat={chat} self={self} onSettings={() => setShowSettings((s) => !s)} settingsOpen={showSettings} />
      <UpdatePrompt />
      <UnreadWatcher chat={chat} selfKey={self.publicKeyHex} />
      {showSettings && <Settings chat={chat} onClose={() => setShowSettings(false)} />}
      {roomId && joined === roomId ? <RoomView chat={chat} roomId={roomId} /> : link ? <p className="muted pad" role="status">{t('app.joining')}</p> : <RoomList chat={chat} />}
    </div>
  )
}
