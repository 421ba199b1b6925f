// Rooms of 2, 5 and 10 devices: latency from one writer to every other member, p50/p99, and
// the share of posts that reach every member.
import '../scripts/polyfill.mjs'
import { expect, test } from '../e2e/fixtures.ts'
import { createRoom, onboard, roomId, waitForDirectPeer } from '../e2e/helpers.ts'
import { arrivals, watchArrivals } from './pages.ts'
import { percentile, record, round } from './results.ts'

const POSTS = 50
const GAP_MS = 40

for (const size of [2, 5, 10]) {
  test(`room of ${size} devices`, async ({ newDevice }) => {
    const first = await newDevice('d0')
    await onboard(first.page, 'writer')
    const link = await createRoom(first.page, `room of ${size}`)
    const room = await roomId(first.page)
    const devices = [first]
    for (let i = 1; i < size; i++) {
      const d = await newDevice(`d${i}`, { path: link })
      await onboard(d.page, `member ${i}`)
      await waitForDirectPeer(d.page)
      devices.push(d)
    }
    // A room that has formed, not one still forming: every member directly connected to every
    // other (each tab dials everyone it is introduced to), then a moment for the history syncs
    // that follow each new connection. Joining has its own figures (join.bench.ts).
    const formed = Date.now()
    for (const d of devices) {
      await expect.poll(() => d.page.evaluate((r) => window.roda!.chat.channel(r)!.peers.value.filter((p) => p.connection === 'direct').length, room), { timeout: 60_000 }).toBeGreaterThanOrEqual(size - 1)
    }
    const formingMs = Date.now() - formed
    await first.page.waitForTimeout(3000)
    const readers = devices.slice(1)
    for (const d of readers) await watchArrivals(d.page, 'rs')
    await first.page.evaluate(async ({ roomHex, n, gap }) => {
      for (let i = 0; i < n; i++) {
        await window.roda!.chat.send(roomHex, `rs${i}:${performance.timeOrigin + performance.now()}`)
        await new Promise((r) => setTimeout(r, gap))
      }
    }, { roomHex: room, n: POSTS, gap: GAP_MS })
    const all: number[] = []
    let complete = 0
    for (const d of readers) {
      const got = await arrivals(d.page, 'rs', POSTS).catch(() => [] as number[])
      all.push(...got)
      if (got.length >= POSTS) complete++
    }
    record(`Room of ${size} devices`, [
      { label: 'latency to each member, p50', value: round(percentile(all, 50), 1), unit: 'ms', samples: all.length },
      { label: 'latency to each member, p99', value: round(percentile(all, 99), 1), unit: 'ms', samples: all.length, ...(size === 10 ? { target: '< 250 ms' } : {}) },
      { label: 'members that received every post', value: complete, unit: `of ${readers.length}`, ...(size === 10 ? { target: '100%' } : {}) },
      { label: 'posts delivered to members', value: round((100 * all.length) / (POSTS * readers.length), 1), unit: '%' },
      { label: 'last member joined → every member directly connected to every other', value: formingMs, unit: 'ms' },
    ])
  })
}
