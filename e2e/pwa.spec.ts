// Roda as an installed app: the manifest and service worker make it installable, it opens and
// keeps a conversation going with no network at all, and a new version is offered, never forced.
// Offline and update tests serve the built app from a web server they own (e2e/static-server.ts),
// so they can take it away or deploy a second build under a page that is open.
import '../scripts/polyfill.mjs'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from '@playwright/test'
import { build } from 'vite'
import { createRelay, type Relay } from '../signaling-relay/src/index.ts'
import { CHROMIUM_PATH, chromiumArgs, expect, test } from './fixtures.ts'
import { createRoom, message, onboard, send } from './helpers.ts'
import { serveStatic, type StaticServer } from './static-server.ts'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const DIST = path.join(ROOT, 'dist')
/** Ports of this file's own servers (sync.spec.ts uses 9191/9192). */
const RELAY_PORT = 9193
const OFFLINE_PORT = 5183
const UPDATE_PORT = 5184

/** Waits until a service worker controls the page and has finished installing (precache). */
async function waitForServiceWorker(page: Page): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: 30_000 })
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready
  })
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): [number, number] {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG')
  return [bytes.readUInt32BE(16), bytes.readUInt32BE(20)]
}

test('Roda is installable: a manifest with its icons, and a service worker controlling the page', async ({ playwright, baseURL }) => {
  // Installability is only reported for a real profile (an incognito-like context says
  // `in-incognito`), hence a persistent context with the same switches as every other test.
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roda-e2e-profile-'))
  const context = await playwright.chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    ignoreDefaultArgs: true,
    args: chromiumArgs(userDataDir, { persistent: true }),
    headless: true,
    baseURL,
    serviceWorkers: 'allow',
    timeout: 30_000,
  })
  try {
    const page = context.pages()[0] ?? (await context.newPage())
    await page.goto('/')
    await expect(page.getByTestId('name-input')).toBeVisible()
    await waitForServiceWorker(page)

    const cdp = await context.newCDPSession(page)
    const manifest = await cdp.send('Page.getAppManifest', {})
    expect(manifest.errors).toEqual([])
    expect(manifest.url).toMatch(/\/manifest\.webmanifest$/)
    const data = JSON.parse(manifest.data ?? '{}') as Record<string, unknown> & { icons: { src: string; sizes: string; type: string; purpose?: string }[] }
    expect(data).toMatchObject({ name: 'Roda', short_name: 'Roda', display: 'standalone', start_url: './', scope: './', id: './', theme_color: '#1f6f5c' })
    expect(data.description).toBeTruthy()
    expect(data.background_color).toBeTruthy()

    // Every icon is served, and each PNG has the size it claims.
    for (const icon of data.icons) {
      const res = await page.request.get(new URL(icon.src, manifest.url).href)
      expect(res.status(), icon.src).toBe(200)
      expect(res.headers()['content-type']).toContain(icon.type)
      if (icon.type === 'image/png') {
        const [w, h] = pngSize(await res.body())
        expect(`${w}x${h}`, icon.src).toBe(icon.sizes)
      }
    }
    const sizes = data.icons.map((i) => `${i.sizes} ${i.purpose ?? 'any'}`)
    expect(sizes).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable', 'any any']))
    const apple = await page.locator('link[rel="apple-touch-icon"]').getAttribute('href')
    const appleRes = await page.request.get(new URL(apple!, page.url()).href)
    expect(pngSize(await appleRes.body())).toEqual([180, 180])

    await expect
      .poll(async () => (await cdp.send('Page.getInstallabilityErrors')).installabilityErrors, { timeout: 15_000 })
      .toEqual([])
  } finally {
    await context.close().catch(() => {})
    fs.rmSync(userDataDir, { recursive: true, force: true })
  }
})

test.describe('with servers the test owns', () => {
  let relay: Relay | undefined
  let server: StaticServer | undefined
  const dirs: string[] = []

  test.afterEach(async () => {
    await server?.close()
    await relay?.stop()
    server = undefined
    relay = undefined
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
  })

  test('after one visit Roda opens with no network: rooms, history, and new posts wait in the outbox', async ({ newDevice }) => {
    const liveRelay = await createRelay({ port: RELAY_PORT, inboundConnectionThreshold: 1000 })
    relay = liveRelay
    server = await serveStatic(DIST, { port: OFFLINE_PORT, config: () => ({ relays: liveRelay.addresses }) })
    const a = await newDevice('a', { goto: false })
    const { page } = a
    await page.goto(server.url)
    await onboard(page, 'ana')
    // The relay comes from this server's /roda-config.json (no saved setting).
    await expect(page.getByTestId('relay-status')).toHaveAttribute('data-state', 'online', { timeout: 20_000 })
    await createRoom(page, 'offline room')
    await send(page, 'first post')
    await send(page, 'second post')
    await expect(message(page, 'second post')).toBeVisible()
    await waitForServiceWorker(page)

    // No network at all: the browser is offline, and the relay and the web server are gone.
    await a.context.setOffline(true)
    await relay.stop()
    relay = undefined
    await server.close()
    server = undefined

    const reloaded = await page.reload() // a real navigation, answered by the service worker
    expect(reloaded?.fromServiceWorker()).toBe(true)
    await expect(page.locator('main.room')).toBeVisible({ timeout: 15_000 })
    await expect(message(page, 'first post')).toBeVisible()
    await expect(message(page, 'second post')).toBeVisible()
    await expect(page.getByTestId('relay-status')).not.toHaveAttribute('data-state', 'online')
    // It still knows its relay (from the cached /roda-config.json): it is trying it, not "no relay".
    await expect(page.getByTestId('relay-status')).toHaveAttribute('data-state', /^(connecting|offline)$/)
    // (Until the network chunk has loaded the status names no relay yet: wait for it.)
    await expect.poll(() => page.evaluate(() => window.roda!.chat.relayStatus.value.relay)).toContain(`/tcp/${RELAY_PORT}/ws`)
    await expect(page.getByTestId('relay-status')).not.toHaveAttribute('title', /object/)
    const cachedConfig = await page.evaluate(async () => {
      const res = await caches.match(new URL('roda-config.json', location.href).href, { cacheName: 'roda-config' })
      return res ? ((await res.json()) as { relays: string[] }) : undefined
    })
    expect(cachedConfig?.relays).toEqual(liveRelay.addresses)

    await send(page, 'written offline')
    await expect(message(page, 'written offline')).toHaveAttribute('data-status', 'pending')

    // The room list works too.
    await page.getByRole('button', { name: 'Roda: all rooms' }).click()
    await expect(page.getByTestId('room-item').filter({ hasText: 'offline room' })).toBeVisible()
    // A cold start of the list itself, still offline.
    await page.reload()
    await expect(page.getByTestId('room-item').filter({ hasText: 'offline room' })).toBeVisible({ timeout: 15_000 })
    await page.getByTestId('room-item').filter({ hasText: 'offline room' }).click()
    await expect(message(page, 'written offline')).toHaveAttribute('data-status', 'pending')
    await expect(page.getByTestId('message')).toHaveCount(3)

    // Being offline is not an error: nothing uncaught on the page.
    expect(a.errors.filter((e) => e.startsWith('uncaught'))).toEqual([])
  })

  test('a new version is offered with a button, and loads only when the user clicks it', async ({ newDevice }) => {
    // Version 1: the suite's build, served from a copy this test may overwrite.
    const site = fs.mkdtempSync(path.join(os.tmpdir(), 'roda-e2e-site-'))
    const next = fs.mkdtempSync(path.join(os.tmpdir(), 'roda-e2e-next-'))
    dirs.push(site, next)
    fs.cpSync(DIST, site, { recursive: true })
    server = await serveStatic(site, { port: UPDATE_PORT, config: () => ({ relays: [] }) })

    const { page } = await newDevice('a', { goto: false })
    await page.goto(server.url)
    await onboard(page, 'ana')
    await createRoom(page, 'update room')
    await waitForServiceWorker(page)
    await expect(page.getByTestId('update-available')).toHaveCount(0)
    // Any reload would lose this mark.
    await page.evaluate(() => Object.assign(window, { sameDocument: true }))

    // Version 2: a real second build (one visible change in index.html, hence a new precache
    // manifest and a new sw.js), deployed over the served files while the page is open.
    await build({
      root: ROOT,
      logLevel: 'error',
      build: { outDir: next, emptyOutDir: true, sourcemap: false },
      plugins: [{
        name: 'roda-e2e-second-deploy',
        transformIndexHtml: (html: string) => html.replace('</head>', '<meta name="roda-e2e-deploy" content="2"></head>'),
      }],
    })
    fs.cpSync(next, site, { recursive: true })

    // The page's periodic check, now: the new worker installs and waits.
    await page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())!.update()
    })
    await expect(page.getByTestId('update-available')).toBeVisible({ timeout: 30_000 })
    await expect(page.getByTestId('update-reload')).toBeVisible()

    // Someone is typing: the page stays as it is.
    await page.getByTestId('composer').fill('half a thought')
    await page.waitForTimeout(2_000)
    await expect(page.getByTestId('composer')).toHaveValue('half a thought')
    expect(await page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBe(true)
    await expect(page.locator('meta[name="roda-e2e-deploy"]')).toHaveCount(0)
    expect(await page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting))).toBe(true)

    // The click lets the new version in and reloads into it.
    await Promise.all([page.waitForEvent('load', { timeout: 20_000 }), page.getByTestId('update-reload').click()])
    await expect(page.locator('meta[name="roda-e2e-deploy"]')).toHaveAttribute('content', '2')
    expect(await page.evaluate(() => (window as { sameDocument?: boolean }).sameDocument)).toBeUndefined()
    await expect(page.getByTestId('update-available')).toHaveCount(0)
    await expect(page.locator('main.room')).toBeVisible()
    expect(await page.evaluate(async () => Boolean((await navigator.serviceWorker.getRegistration())?.waiting))).toBe(false)
  })
})
