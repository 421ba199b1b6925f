// History sync figures: a late joiner receiving a 10,000-post room, and a sync round between
// two devices that already share those 10,000 posts.
import '../scripts/polyfill.mjs'
import { expect, test } from '../e2e/fixtures.ts'
import { createRoom, onboard, roomId, waitForDirectPeer } from '../e2e/helpers.ts'
import { record, round } from './results.ts'

const POSTS = 10_000

test('sync: a late joiner receives 10,000 posts; an in-sync round costs little', async ({ newDevice }) => {
  const a = await newDevice('a')
  await onboard(a.page, 'ana')
  const link = await createRoom(a.page, 'history')
  const room = await roomId(a.page)

  // Seed through the app's own send path, in concurrent batches so storage writes batch too.
  const seedMs = await a.page.evaluate(async ({ roomHex, n }) => {
    const t0 = performance.now()
    for (let i = 0; i < n; i += 500) {
      await Promise.all(Array.from({ length: Math.min(500, n - i) }, (_, j) => window.roda!.chat.send(roomHex, `history post ${i + j}`)))
    }
    return performance.now() - t0
  }, { roomHex: room, n: POSTS })
  await expect.poll(() => a.page.evaluate((r) => window.roda!.chat.channel(r)!.index.size, room)).toBe(POSTS)

  const b = await newDevice('b', { goto: false })
  const opened = Date.now()
  await b.page.goto(link)
  await onboard(b.page, 'bia')
  const named = Date.now()
  await waitForDirectPeer(b.page)
  await expect.poll(() => b.page.evaluate((r) => window.roda!.chat.channel(r)?.index.size ?? 0, room), { timeout: 120_000, intervals: [50] }).toBe(POSTS)
  const stored = Date.now()
  // Long rooms are virtualised: done when the newest post of the room is on screen.
  await b.page.waitForFunction((r) => {
    const rows = window.roda!.chat.channel(r)?.timeline.value ?? []
    const newest = rows[rows.length - 1]
    return rows.length === 10_000 && [...document.querySelectorAll('[data-testid="message-text"]')].some((e) => e.textContent === newest?.text)
  }, room, { timeout: 120_000, polling: 50 })
  const rendered = Date.now()
  const joinerLog = await b.page.evaluate(() => window.roda!.syncLog())
  const bytes = joinerLog.reduce((s, r) => s + r.bytesReceived + r.bytesSent, 0)
  const moved = joinerLog.reduce((s, r) => s + r.postsReceived, 0)

  // An in-sync round: both already hold the same 10,000 posts.
  const before = (await a.page.evaluate(() => window.roda!.syncLog())).length
  await a.page.evaluate((r) => {
    const ch = window.roda!.chat.channel(r)!
    window.roda!.chat.network!.syncRoom(ch.keys.topic)
  }, room)
  await expect.poll(() => a.page.evaluate(() => window.roda!.syncLog().length)).toBeGreaterThan(before)
  const round1 = (await a.page.evaluate(() => window.roda!.syncLog())).at(-1)!

  record('History sync (10,000 posts)', [
    { label: 'seeding 10,000 posts through the send path', value: round(seedMs / 1000, 2), unit: 's' },
    { label: 'late joiner: name saved to all 10,000 stored', value: round((stored - named) / 1000, 2), unit: 's' },
    { label: 'late joiner: link opened to latest posts rendered', value: round((rendered - opened) / 1000, 2), unit: 's' },
    { label: 'late joiner: posts received by sync', value: moved, unit: 'posts' },
    { label: 'late joiner: bytes exchanged by sync (both ways, incl. posts)', value: bytes, unit: 'B' },
    { label: 'in-sync round: bytes exchanged (both ways)', value: round1.bytesSent + round1.bytesReceived, unit: 'B' },
    { label: 'in-sync round: turns', value: round1.turns, unit: '' },
    { label: 'in-sync round: duration', value: round1.ms, unit: 'ms' },
  ])
  console.log(JSON.stringify({ seedMs, stored: stored - named, rendered: rendered - opened, moved, bytes, inSync: round1 }))
})
