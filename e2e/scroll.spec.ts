import { expect, test } from './fixtures.ts'
import { createRoom, message, onboard, roomId, waitForDirectPeer } from './helpers.ts'

// Past the point where the list is virtualised, and long enough to keep growing while the view
// scrolls: with 1,200 posts the old position-only rule never lost the bottom, with 5,000 it did.
const HISTORY = 5_000

test('the list follows the newest post while history pours in, and stays where the reader scrolled to', async ({ newDevice }) => {
  const a = await newDevice('a')
  await onboard(a.page, 'ana')
  const link = await createRoom(a.page, 'long')
  const room = await roomId(a.page)
  await a.page.evaluate(async ({ roomHex, n }) => {
    for (let i = 0; i < n; i += 200) {
      await Promise.all(Array.from({ length: Math.min(200, n - i) }, (_, j) => window.roda!.chat.send(roomHex, `old ${i + j}`)))
    }
  }, { roomHex: room, n: HISTORY })

  // A late joiner gets the whole history at once, by sync: the view must end at its newest post.
  const b = await newDevice('b', { path: link })
  await onboard(b.page, 'bia')
  await waitForDirectPeer(b.page)
  const newest = await a.page.evaluate((r) => window.roda!.chat.channel(r)!.timeline.value.at(-1)!.text, room)
  await expect.poll(() => b.page.evaluate((r) => window.roda!.chat.channel(r)!.timeline.value.length, room), { timeout: 60_000 }).toBe(HISTORY)
  await expect(message(b.page, newest)).toBeInViewport()

  // The reader scrolls back: a new post does not pull them down.
  const list = b.page.locator('.messages')
  await list.hover()
  await b.page.mouse.wheel(0, -5_000)
  await expect.poll(() => list.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeGreaterThan(1_000)
  const readingAt = await list.evaluate((el) => el.scrollTop)
  await a.page.evaluate((r) => window.roda!.chat.send(r, 'while you read'), room)
  await expect.poll(() => b.page.evaluate((r) => window.roda!.chat.channel(r)!.timeline.value.length, room)).toBe(HISTORY + 1)
  await b.page.waitForTimeout(300)
  expect(Math.abs((await list.evaluate((el) => el.scrollTop)) - readingAt)).toBeLessThan(100)

  // Back at the end, the view follows again.
  await list.focus()
  await b.page.keyboard.press('End')
  await expect(message(b.page, 'while you read')).toBeInViewport()
  await a.page.evaluate((r) => window.roda!.chat.send(r, 'welcome back'), room)
  await expect(message(b.page, 'welcome back')).toBeInViewport()

  // The list gets shorter (a phone's keyboard opens, the QR code above it loads): a view at the
  // end stays at the end. Under load, the QR code once loaded after the history had been
  // scrolled to, and the newest post ended up below the view.
  await b.page.setViewportSize({ width: 1280, height: 620 })
  await expect(message(b.page, 'welcome back')).toBeInViewport()
  await b.page.setViewportSize({ width: 1280, height: 540 })
  await expect(message(b.page, 'welcome back')).toBeInViewport()
})

test('a short room stays at its newest post when the list gets shorter', async ({ newDevice }) => {
  const a = await newDevice('a')
  await onboard(a.page, 'ana')
  await createRoom(a.page, 'short')
  const room = await roomId(a.page)
  await a.page.evaluate(async (r) => {
    for (let i = 0; i < 40; i++) await window.roda!.chat.send(r, `line ${i}`)
  }, room)
  await expect(message(a.page, 'line 39')).toBeInViewport()
  await a.page.setViewportSize({ width: 1280, height: 480 })
  await expect(message(a.page, 'line 39')).toBeInViewport()
})
