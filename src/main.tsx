import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { openDatabase, type RodaDB } from './core/store/db.ts'
import { listRooms } from './core/store/repo.ts'
import { Chat } from './core/chat/chat.ts'
import { loadAppConfig } from './app-config.ts'
import type { Network } from './core/net/network.ts'
import { App } from './ui/App.tsx'
import { exposeDiagnostics } from './ui/diagnostics-handle.ts'
import { firstViewShown } from './ui/first-view.ts'
import './ui/styles.css'

// Wiring only: open the store, show what it holds, then bring the network up. The libp2p
// stack is a separate chunk loaded after the first paint, so history never waits for it.
async function main(): Promise<void> {
  const db = openDatabase()
  const chat = await Chat.load(db)
  exposeDiagnostics(chat)
  // A phone switching apps may never come back to this tab: write what is still queued.
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') void chat.stored()
  })
  // Writes what is still queued, and closing the connections tells peers at once that we
  // left, instead of after ~12 s.
  addEventListener('pagehide', () => void chat.stop())
  // The network coming back (or a new one: Wi-Fi to mobile data) retries the relay and every
  // peer at once instead of at the next back-off; losing it shows "offline" at once.
  addEventListener('online', () => chat.setBrowserOnline(true))
  addEventListener('offline', () => chat.setBrowserOnline(false))
  // NetworkInformation (Chromium) also fires "change" for new speed estimates: only a change of
  // network kind is worth retrying everything for.
  const connection = (navigator as Navigator & { connection?: EventTarget & { type?: string; effectiveType?: string } }).connection
  let networkKind = `${connection?.type}/${connection?.effectiveType}`
  connection?.addEventListener('change', () => {
    const kind = `${connection.type}/${connection.effectiveType}`
    if (kind !== networkKind) chat.retryNow()
    networkKind = kind
  })
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App chat={chat} />
    </StrictMode>,
  )
  await chat.openRooms(await listRooms(db))
  // History first: the network chunk loads once the first view is drawn (or after a second,
  // whatever that view is waiting for).
  await Promise.race([firstViewShown, new Promise((r) => setTimeout(r, FIRST_VIEW_WAIT_MS))])
  const net = await startNetwork(db, chat)
  chat.attachNetwork(net)
  void import('./ui/bench-hooks.ts').then((m) => m.installBenchHooks(chat))
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') net.wake()
  })
  // A page restored from the back/forward cache has a stopped node: start afresh.
  addEventListener('pageshow', (e) => {
    if (e.persisted) location.reload()
  })
}

const NETWORK_RETRY_MS = 30_000
const FIRST_VIEW_WAIT_MS = 1_000

/**
 * Loads the network chunk and starts the node. If that fails (offline with nothing cached, or
 * libp2p refuses to start), history and the outbox keep working: the relay status says offline
 * and it tries again when the browser is back online, or after a while.
 */
async function startNetwork(db: RodaDB, chat: Chat): Promise<Network> {
  for (;;) {
    try {
      const [config, { Network }] = await Promise.all([loadAppConfig(db), import('./core/net/network.ts')])
      return await Network.start(config)
    } catch (err) {
      console.warn('The network could not start; posts wait in the outbox', err)
      const error = `the network could not start: ${err instanceof Error ? err.message : String(err)}`
      chat.relayStatus.set({ state: 'offline', error, retryAt: Date.now() + NETWORK_RETRY_MS })
      await new Promise<void>((resolve) => {
        const again = (): void => {
          clearTimeout(timer)
          removeEventListener('online', again)
          resolve()
        }
        const timer = setTimeout(again, NETWORK_RETRY_MS)
        addEventListener('online', again)
      })
    }
  }
}

void main()
