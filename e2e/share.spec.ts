// Sharing a room with the people around you (QR code, system share sheet) and knowing what you
// missed (unread counts, title, notifications). Real Chromium contexts, real relay and WebRTC.
import jsQR from 'jsqr'
import type { Locator, Page } from '@playwright/test'
import { test, expect } from './fixtures.ts'
import { createRoom, message, onboard, pairInRoom, send, sendMany, waitForDirectPeer } from './helpers.ts'

const PHONE = { width: 360, height: 740 }

/** Decodes the QR code drawn on a canvas, from its own pixels. */
async function decodeCanvas(qr: Locator): Promise<string | undefined> {
  await expect.poll(() => qr.evaluate((c: HTMLCanvasElement) => c.width)).toBeGreaterThan(0)
  const { width, height, data } = await qr.evaluate((c: HTMLCanvasElement) => {
    const image = c.getContext('2d')!.getImageData(0, 0, c.width, c.height)
    return { width: image.width, height: image.height, data: Array.from(image.data) }
  })
  return jsQR(Uint8ClampedArray.from(data), width, height)?.data
}

/** Decodes the QR code as it is on screen (a screenshot of the element: what a camera sees). */
async function decodeScreenshot(page: Page, qr: Locator): Promise<string | undefined> {
  const png = (await qr.screenshot()).toString('base64')
  const { width, height, data } = await page.evaluate(async (b64) => {
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0))
    const bitmap = await createImageBitmap(new Blob([bytes], { type: 'image/png' }))
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height)
    const ctx = canvas.getContext('2d')!
    ctx.drawImage(bitmap, 0, 0)
    const image = ctx.getImageData(0, 0, bitmap.width, bitmap.height)
    return { width: image.width, height: image.height, data: Array.from(image.data) }
  }, png)
  return jsQR(Uint8ClampedArray.from(data), width, height)?.data
}

function backToRooms(page: Page) {
  return page.getByRole('button', { name: 'Roda: all rooms' }).click()
}

test('the room view shows a QR code of the room link that fits a phone', async ({ newDevice }) => {
  const a = await newDevice('phone')
  await a.page.setViewportSize(PHONE)
  await onboard(a.page, 'ana')
  const link = await createRoom(a.page, 'Roda na praça')
  await expect(a.page.getByTestId('room-link')).toHaveAttribute('data-link', link)

  // A new room (no posts yet) shows the QR code at once, with an accessible name.
  const qr = a.page.getByTestId('room-qr')
  await expect(qr).toBeVisible()
  await expect(a.page.getByRole('img', { name: 'QR code of the room link' })).toBeVisible()
  expect(await decodeCanvas(qr)).toBe(link)
  expect(await decodeScreenshot(a.page, qr)).toBe(link)
  const box = (await qr.boundingBox())!
  expect(box.x).toBeGreaterThanOrEqual(0)
  expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width)
  expect(box.height).toBeLessThanOrEqual(PHONE.height / 2)
  // Nothing on the page is wider than the phone.
  expect(await a.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.width)

  // The toggle folds it away and back; the canvas stays in the page either way.
  await a.page.getByTestId('share-toggle').click()
  await expect(qr).toBeHidden()
  expect(await decodeCanvas(qr)).toBe(link)
  await a.page.getByTestId('share-toggle').click()
  await expect(qr).toBeVisible()

  // A room with posts starts with the QR code folded, so the conversation has the screen.
  await send(a.page, 'olá')
  await expect(message(a.page, 'olá')).toBeVisible()
  await a.page.reload()
  await expect(message(a.page, 'olá')).toBeVisible()
  await expect(a.page.getByTestId('room-qr')).toBeAttached()
  await expect(a.page.getByTestId('room-qr')).toBeHidden()
  expect(await decodeCanvas(a.page.getByTestId('room-qr'))).toBe(link)
})

test('the share button opens the system share sheet where the browser has one', async ({ newDevice }) => {
  const plain = await newDevice('no-share-sheet')
  await onboard(plain.page, 'ana')
  await createRoom(plain.page)
  const hasShare = await plain.page.evaluate(() => typeof navigator.share === 'function')
  await expect(plain.page.getByTestId('share-native')).toHaveCount(hasShare ? 1 : 0)

  const phone = await newDevice('share-sheet', { goto: false })
  await phone.context.addInitScript(() => {
    const calls: ShareData[] = []
    Object.defineProperty(window, '__shared', { value: calls })
    Object.defineProperty(navigator, 'share', { value: async (data: ShareData) => void calls.push(data), configurable: true })
  })
  await phone.page.goto('/')
  await onboard(phone.page, 'bia')
  const link = await createRoom(phone.page, 'festa')
  await phone.page.getByTestId('share-native').click()
  await expect.poll(() => phone.page.evaluate(() => (window as unknown as { __shared: ShareData[] }).__shared)).toEqual([
    { title: 'festa', text: 'Join me in this Roda room', url: link },
  ])
})

test('posts from others that arrive elsewhere count as unread until the room is opened', async ({ newDevice }) => {
  const { a, b, room } = await pairInRoom(newDevice, 'praça')

  // Read while the room is open: nothing unread afterwards. B's own posts never count.
  await send(a.page, 'bem-vinda')
  await send(b.page, 'obrigada')
  await expect(message(b.page, 'bem-vinda')).toBeVisible()
  await backToRooms(b.page)
  await expect(b.page.getByTestId('room-item')).toHaveText(['praça'])
  await expect(b.page.getByTestId('unread')).toHaveCount(0)
  await expect(b.page).toHaveTitle('Roda')

  await sendMany(a.page, room, ['um', 'dois', 'três'])
  const badge = b.page.getByTestId('room-item').locator('..').getByTestId('unread')
  await expect(badge).toHaveText('3')
  await expect(badge).toHaveAttribute('data-count', '3')
  await expect(b.page).toHaveTitle('(3) Roda')
  // The count survives a reload: it is kept in the database.
  await b.page.reload()
  await expect(badge).toHaveText('3')
  await expect(b.page).toHaveTitle('(3) Roda')

  await b.page.getByTestId('room-item').click()
  await expect(message(b.page, 'três')).toBeVisible()
  await expect(b.page).toHaveTitle('Roda')
  await backToRooms(b.page)
  await expect(b.page.getByTestId('room-item')).toHaveText(['praça'])
  await expect(b.page.getByTestId('unread')).toHaveCount(0)
})

test('a post arriving while the tab is hidden raises a notification, only once allowed', async ({ newDevice }) => {
  const a = await newDevice('a')
  await onboard(a.page, 'ana')
  const link = await createRoom(a.page, 'praça')
  const b = await newDevice('b', { goto: false })
  // A stand-in for the system's notifications, and a switch for the tab's visibility (headless
  // tabs are always visible).
  await b.context.addInitScript(() => {
    const shown: Array<{ title: string; body?: string; onclick: (() => void) | null }> = []
    const state = { hidden: false, asked: 0, shown }
    Object.defineProperty(window, '__test', { value: state })
    class FakeNotification {
      static permission: NotificationPermission = 'default'
      static async requestPermission(): Promise<NotificationPermission> {
        state.asked++
        FakeNotification.permission = 'granted'
        return 'granted'
      }
      onclick: (() => void) | null = null
      constructor(
        readonly title: string,
        readonly options: NotificationOptions = {},
      ) {
        shown.push(this as unknown as (typeof shown)[number])
      }
      get body() {
        return this.options.body
      }
      close() {}
    }
    Object.defineProperty(window, 'Notification', { value: FakeNotification, configurable: true })
    Object.defineProperty(Document.prototype, 'visibilityState', { get: () => (state.hidden ? 'hidden' : 'visible'), configurable: true })
    Object.defineProperty(Document.prototype, 'hidden', { get: () => state.hidden, configurable: true })
  })
  type TestState = { hidden: boolean; asked: number; shown: Array<{ title: string; body?: string; onclick: (() => void) | null }> }
  const state = () => b.page.evaluate(() => {
    const s = (window as unknown as { __test: TestState }).__test
    return { asked: s.asked, shown: s.shown.map((n) => ({ title: n.title, body: n.body })) }
  })
  const setHidden = (hidden: boolean) => b.page.evaluate((h) => {
    ;(window as unknown as { __test: TestState }).__test.hidden = h
    document.dispatchEvent(new Event('visibilitychange'))
  }, hidden)

  await b.page.goto(link)
  await onboard(b.page, 'bia')
  await waitForDirectPeer(b.page)
  await waitForDirectPeer(a.page)

  // Hidden, but notifications never switched on: nothing shown, and nobody asked on load.
  await setHidden(true)
  await send(a.page, 'primeira')
  await expect(b.page).toHaveTitle('(1) Roda')
  expect(await state()).toEqual({ asked: 0, shown: [] })
  await setHidden(false)
  await expect(b.page).toHaveTitle('Roda')

  await b.page.getByTestId('notify-toggle').click()
  await expect(b.page.getByTestId('notify-toggle')).toHaveCount(0)
  expect((await state()).asked).toBe(1)

  await setHidden(true)
  await send(a.page, 'alguém aí?')
  await expect.poll(async () => (await state()).shown).toEqual([{ title: 'ana · praça', body: 'alguém aí?' }])
  await expect(b.page).toHaveTitle('(1) Roda')

  // Clicking it brings the room back (from the room list too); visible again, it is read.
  await backToRooms(b.page)
  await b.page.evaluate(() => (window as unknown as { __test: TestState }).__test.shown[0]!.onclick!())
  await expect(message(b.page, 'alguém aí?')).toBeVisible()
  await setHidden(false)
  await expect(b.page).toHaveTitle('Roda')
})
