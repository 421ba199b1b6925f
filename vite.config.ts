import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'
import { VitePWA } from 'vite-plugin-pwa'
import { devServiceWorkerReset } from './scripts/dev-service-worker.ts'

// Cross-origin isolation: no other site's window or resource shares Roda's process, and
// performance.now() ticks in microseconds rather than tenths of a millisecond (the latency
// benchmark measures differences of that size). Everything Roda loads is its own, so nothing
// breaks; a self-hoster's server may leave these out and the app works the same.
const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
}

export default defineConfig({
  plugins: [
    react(),
    // Installable app + offline: web app manifest and a Workbox service worker (src/sw/sw.ts).
    // registerType 'prompt': a new version waits until the user clicks "Reload" (src/ui/UpdatePrompt.tsx).
    VitePWA({
      strategies: 'injectManifest',
      srcDir: 'src/sw',
      filename: 'sw.ts',
      registerType: 'prompt',
      injectRegister: false, // UpdatePrompt registers it (virtual:pwa-register)
      includeManifestIcons: false, // globPatterns below already precache every icon
      manifest: {
        id: './',
        name: 'Roda',
        short_name: 'Roda',
        description: 'A peer-to-peer chat that lives in your browser. A room is a link.',
        lang: 'en',
        start_url: './',
        scope: './',
        display: 'standalone',
        theme_color: '#1f6f5c',
        background_color: '#fbfaf7',
        categories: ['social'],
        icons: [
          { src: 'favicon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
          { src: 'pwa-64x64.png', sizes: '64x64', type: 'image/png' },
          { src: 'pwa-192x192.png', sizes: '192x192', type: 'image/png' },
          { src: 'pwa-512x512.png', sizes: '512x512', type: 'image/png' },
          { src: 'maskable-icon-512x512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      injectManifest: {
        // The whole app, the lazily loaded network chunk included; never the source maps.
        globPatterns: ['**/*.{html,js,css,svg,png,webmanifest}'],
        globIgnores: ['**/*.map'],
        maximumFileSizeToCacheInBytes: 4 * 1024 * 1024,
        rollupFormat: 'iife', // a classic worker script, what every browser registers
      },
      // `npm run dev` runs without a service worker (the register module is a no-op there)...
      devOptions: { enabled: false },
    }),
    // ...and removes one that `npm start` left on the same origin.
    devServiceWorkerReset(),
  ],
  // Relative asset URLs, so the built app works from any path a self-hoster serves it on.
  base: './',
  build: { target: 'es2022', sourcemap: true },
  server: { host: '127.0.0.1', headers: ISOLATION_HEADERS },
  preview: { host: '127.0.0.1', headers: ISOLATION_HEADERS },
})
