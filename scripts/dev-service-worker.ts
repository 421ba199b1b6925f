// `npm run dev` has no service worker. But `npm start` serves the built app on the same origin
// (http://127.0.0.1:5173/ by default), and the service worker it installed would keep answering
// every navigation with the precached build, hiding the dev server. The browser checks ./sw.js
// for updates on each navigation: in dev it gets this one, which removes itself and its caches
// and reloads the open tabs into the dev server. (IndexedDB, i.e. identity and rooms, is kept.)
import type { Plugin } from 'vite'

const SELF_REMOVING_SW = `// Roda dev server: removes the service worker of a production build on this origin.
self.addEventListener('install', () => self.skipWaiting())
self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    await self.registration.unregister()
    for (const key of await caches.keys()) await caches.delete(key)
    for (const client of await self.clients.matchAll({ type: 'window' })) client.navigate(client.url)
  })())
})
`

export function devServiceWorkerReset(swPath = '/sw.js'): Plugin {
  return {
    name: 'roda-dev-service-worker-reset',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        if ((req.url ?? '').split('?')[0] !== swPath) return next()
        res.setHeader('Content-Type', 'text/javascript; charset=utf-8')
        res.setHeader('Cache-Control', 'no-store')
        res.end(SELF_REMOVING_SW)
      })
    },
  }
}
