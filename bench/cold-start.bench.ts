// Cold start: with 10,000 posts stored, time from navigation to the room's latest posts visible,
// and the tab's JS heap.
import '../scripts/polyfill.mjs'
import { expect, test } from '../e2e/fixtures.ts'
import { createRoom, onboard, roomId } from '../e2e/helpers.ts'
import { median, record, round } from './results.ts'

const POSTS = 10_000
const RUNS = 5

test('cold start with 10,000 posts stored', async ({ newDevice }) => {
  const d = await newDevice('cold')
  await onboard(d.page, 'ana')
  const link = await createRoom(d.page, 'long room')
  const room = await roomId(d.page)
  await d.page.evaluate(async ({ roomHex, n }) => {
    for (let i = 0; i < n; i += 500) {
      await Promise.all(Array.from({ length: Math.min(500, n - i) }, (_, j) => window.roda!.chat.send(roomHex, `stored post ${i + j}`)))
    }
  }, { roomHex: room, n: POSTS })
  await expect.poll(() => d.page.evaluate((r) => window.roda!.chat.channel(r)!.index.size, room)).toBe(POSTS)

  const visible: number[] = []
  const beforeNetwork: boolean[] = []
  let heap = 0
  for (let i = 0; i < RUNS; i++) {
    const page = await d.context.newPage()
    // Time to the first rendered post, measured by the page itself from navigation start.
    await page.addInitScript(() => {
      const w = window as unknown as { __firstPost: number; __netAt: number }
      new MutationObserver((_, obs) => {
        if (document.querySelector('[data-testid="message"]')) {
          w.__firstPost = performance.now()
          w.__netAt = window.roda?.chat.network ? performance.now() : -1
          obs.disconnect()
        }
      }).observe(document, { childList: true, subtree: true })
    })
    await d.page.close().catch(() => undefined)
    await page.goto(link)
    await page.waitForFunction(() => (window as unknown as { __firstPost?: number }).__firstPost !== undefined, undefined, { timeout: 30_000 })
    const r = await page.evaluate(() => {
      const w = window as unknown as { __firstPost: number; __netAt: number }
      return { at: w.__firstPost, netUp: w.__netAt >= 0 }
    })
    visible.push(r.at)
    beforeNetwork.push(!r.netUp)
    await page.waitForTimeout(1500)
    const cdp = await d.context.newCDPSession(page)
    await cdp.send('HeapProfiler.collectGarbage')
    heap = ((await cdp.send('Runtime.getHeapUsage')) as { usedSize: number }).usedSize
    await cdp.detach()
    if (i < RUNS - 1) await page.close()
  }
  record('Cold start (10,000 posts stored)', [
    { label: 'navigation to latest posts visible, median', value: round(median(visible), 0), unit: 'ms', samples: RUNS, target: '≤ 500 ms' },
    { label: 'runs where history was on screen before the network was up', value: beforeNetwork.filter(Boolean).length, unit: `of ${RUNS}` },
    { label: 'JS heap after load (after GC)', value: round(heap / 1024 / 1024, 1), unit: 'MB' },
  ])
  console.log({ visible, beforeNetwork, heap })
})
