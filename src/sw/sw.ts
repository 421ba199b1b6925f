// Roda's service worker: caching only, no app logic (built by vite-plugin-pwa, injectManifest).
//
// - Precaches the whole built app (index.html, every JS chunk including the lazily loaded
//   network chunk, CSS, icons, manifest), so after one visit Roda opens with no network at all.
// - Navigations are answered with the precached index.html (a room is a #fragment of it).
// - ./roda-config.json (which relay served the app) is network-first with a short timeout and a
//   cached copy, so the app still knows its relay when offline.
// - A new version installs in the background and then waits: the page offers to reload into it
//   (src/ui/UpdatePrompt.tsx) and only a click sends SKIP_WAITING. Nothing reloads by itself.
import { clientsClaim } from 'workbox-core'
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'
import { NetworkFirst } from 'workbox-strategies'

declare const self: ServiceWorkerGlobalScope

/** Cache of ./roda-config.json (the app itself is in Workbox's precache, workbox-precache-v2-<scope>). */
const CONFIG_CACHE = 'roda-config'
const CONFIG_URL = new URL('roda-config.json', self.registration.scope)

self.addEventListener('message', (event: ExtendableMessageEvent) => {
  if ((event.data as { type?: unknown } | null)?.type === 'SKIP_WAITING') void self.skipWaiting()
})

precacheAndRoute(self.__WB_MANIFEST)
cleanupOutdatedCaches()

const config = new NetworkFirst({ cacheName: CONFIG_CACHE, networkTimeoutSeconds: 3 })
registerRoute(({ url }) => url.origin === CONFIG_URL.origin && url.pathname === CONFIG_URL.pathname, config)

// The page that installed us fetched its config before we controlled it: keep a copy now, so the
// very first offline start already knows the relay. Best effort, never fails the install.
self.addEventListener('install', (event) => {
  const [response, done] = config.handleAll({ event, request: new Request(CONFIG_URL, { cache: 'no-cache' }) })
  event.waitUntil(Promise.all([response, done]).catch(() => undefined))
})

registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html'), { denylist: [/\/roda-config\.json$/] }))

// The first install takes the open page at once (nothing older is running). An update only
// activates after SKIP_WAITING, i.e. after the user's click, and then takes every tab.
clientsClaim()

// Android Chrome shows notifications only through the worker: a click focuses a Roda tab and
// asks it to open the room (src/ui/notifications.ts listens), or opens a new one on the room.
self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  const data = (event.notification.data ?? {}) as { hash?: string; url?: string }
  event.waitUntil(
    (async () => {
      const tabs = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
      const tab = tabs[0]
      if (tab) {
        tab.postMessage({ type: 'roda:open-room', hash: data.hash })
        await tab.focus()
      } else if (data.url) {
        await self.clients.openWindow(data.url)
      }
    })(),
  )
})
