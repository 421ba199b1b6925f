// Sustained posts per second that a receiving device verifies, stores and renders, for bursts of
// 1,000 and 10,000 posts signed ahead of time, next to bare gossipsub between the same pages.
import '../scripts/polyfill.mjs'
import type { Page } from '@playwright/test'
import { expect, test } from '../e2e/fixtures.ts'
import { pairInRoom } from './pages.ts'
import { record, round } from './results.ts'

async function bareGossip(a: Page, b: Page, n: number): Promise<{ rate: number; delivered: number }> {
  const topic = `bench/burst-${n}`
  for (const page of [a, b]) {
    await page.evaluate((t) => {
      const w = window as unknown as { __burst: { n: number; first: number; last: number } }
      w.__burst = { n: 0, first: 0, last: 0 }
      const ps = window.roda!.chat.network!.node.services.pubsub
      ps.subscribe(t)
      ps.addEventListener('message', (e) => {
        if (e.detail.topic !== t) return
        const now = performance.timeOrigin + performance.now()
        if (w.__burst.n++ === 0) w.__burst.first = now
        w.__burst.last = now
      })
    }, topic)
  }
  await a.waitForFunction((t) => window.roda!.chat.network!.node.services.pubsub.getSubscribers(t).length > 0, topic)
  await a.waitForTimeout(1500)
  const start = await a.evaluate(async ({ t, count }) => {
    const ps = window.roda!.chat.network!.node.services.pubsub
    const t0 = performance.timeOrigin + performance.now()
    await Promise.all(Array.from({ length: count }, (_, i) => {
      const data = new Uint8Array(200)
      new DataView(data.buffer).setUint32(0, i)
      return ps.publish(t, data)
    }))
    return t0
  }, { t: topic, count: n })
  // Bare gossipsub may drop part of a large burst (its queues are bounded); count what arrived.
  await b.waitForFunction((count) => (window as unknown as { __burst: { n: number } }).__burst.n >= count, n, { timeout: 20_000 }).catch(() => undefined)
  const got = await b.evaluate(() => (window as unknown as { __burst: { n: number; first: number; last: number } }).__burst)
  return { rate: got.n / ((got.last - start) / 1000), delivered: got.n }
}

async function appBurst(a: Page, b: Page, room: string, n: number, prefix: string): Promise<{ verified: number; rendered: number; delivered: number }> {
  await a.evaluate(async ({ r, count, p }) => window.rodaBench!.presign(r, count, p), { r: room, count: n, p: prefix })
  const before = await b.evaluate((r) => window.roda!.chat.channel(r)!.index.size, room)
  // Watch on the receiver: when the index (verified) and the DOM (rendered) reach the end.
  await b.evaluate(({ r, target, last }) => {
    const w = window as unknown as { __done: { verified: number; stored: number; rendered: number } }
    w.__done = { verified: 0, stored: 0, rendered: 0 }
    const ch = window.roda!.chat.channel(r)!
    const poll = () => {
      const now = performance.timeOrigin + performance.now()
      if (!w.__done.verified && ch.index.size >= target) {
        w.__done.verified = now
        void window.roda!.chat.stored().then(() => (w.__done.stored = performance.timeOrigin + performance.now()))
      }
      if (!w.__done.rendered && [...document.querySelectorAll('[data-testid="message-text"]')].some((e) => e.textContent === last)) w.__done.rendered = now
      if (!w.__done.verified || !w.__done.rendered) requestAnimationFrame(poll)
    }
    poll()
  }, { r: room, target: before + n, last: `${prefix}${n - 1}` })
  const t0 = await a.evaluate(() => performance.timeOrigin + performance.now())
  await a.evaluate(() => window.rodaBench!.publishPresigned())
  await expect.poll(() => b.evaluate(() => { const d = (window as unknown as { __done: { verified: number; stored: number; rendered: number } }).__done; return d.stored > 0 && d.rendered > 0 }), { timeout: 180_000 }).toBe(true)
  const done = await b.evaluate(() => (window as unknown as { __done: { verified: number; stored: number; rendered: number } }).__done)
  const delivered = (await b.evaluate((r) => window.roda!.chat.channel(r)!.index.size, room)) - before
  // Rendered and stored: the later of the two is when the receiver is done with the burst.
  return { verified: n / ((done.verified - t0) / 1000), rendered: n / ((Math.max(done.rendered, done.stored) - t0) / 1000), delivered }
}

test('throughput: bursts of 1,000 and 10,000 posts', async ({ newDevice }) => {
  const { a, b, room } = await pairInRoom(newDevice)
  await a.page.waitForFunction(() => window.rodaBench !== undefined)
  const figures = []
  for (const n of [1_000, 10_000]) {
    const gossip = await bareGossip(a.page, b.page, n)
    const app = await appBurst(a.page, b.page, room, n, `burst${n}-`)
    figures.push(
      { label: `burst of ${n}: posts verified, stored and rendered per second`, value: round(app.rendered, 0), unit: 'posts/s', baseline: { label: 'bare gossipsub', value: round(gossip.rate, 0) }, target: '≥ 1,500 posts/s' },
      { label: `burst of ${n}: posts verified per second`, value: round(app.verified, 0), unit: 'posts/s' },
      { label: `burst of ${n}: posts delivered`, value: app.delivered, unit: `of ${n}` },
      { label: `burst of ${n}: bare gossipsub messages delivered`, value: gossip.delivered, unit: `of ${n}` },
    )
    console.log(n, { gossip, app })
  }
  record('Throughput (receiver, 2 devices)', figures)
})
