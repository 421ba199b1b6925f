import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { openDatabase } from './core/store/db.ts'
import { listRooms } from './core/store/repo.ts'
import { Chat } from './core/chat/chat.ts'
import { loadAppConfig } from './app-config.ts'
import { App } from './ui/App.tsx'
import { exposeDiagnostics } from './ui/diagnostics-handle.ts'
import './ui/styles.css'

// Wiring only: open the store, show what it holds, then bring the network up. The libp2p
// stack is a separate chunk loaded after the first paint, so history never waits for it.
async function main(): Promise<void> {
  const db = openDatabase()
  const chat = await Chat.load(db)
  exposeDiagnostics(chat)
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App chat={chat} />
    </StrictMode>,
  )
  await chat.openRooms(await listRooms(db))
  const [config, { Network }] = await Promise.all([loadAppConfig(db), import('./core/net/network.ts')])
  const net = await Network.start(config)
  chat.attachNetwork(net)
  void import('./ui/bench-hooks.ts').then((m) => m.installBenchHooks(chat))
  addEventListener('online', () => net.wake())
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') net.wake()
  })
  // Closing the connections tells peers at once that we left, instead of after ~12 s.
  addEventListener('pagehide', () => void chat.stop())
  // A page restored from the back/forward cache has a stopped node: start afresh.
  addEventListener('pageshow', (e) => {
    if (e.persisted) location.reload()
  })
}

void main()
