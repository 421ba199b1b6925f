import type { Page } from '@playwright/test'
import { expect, type Device } from '../e2e/fixtures.ts'
import { createRoom, onboard, roomId, waitForDirectPeer } from '../e2e/helpers.ts'

export interface Pair {
  a: Device
  b: Device
  link: string
  room: string
}

export async function pairInRoom(newDevice: (name?: string, o?: { path?: string; goto?: boolean }) => Promise<Device>): Promise<Pair> {
  const a = await newDevice('a')
  await onboard(a.page, 'ana')
  const link = await createRoom(a.page, 'bench')
  const room = await roomId(a.page)
  const b = await newDevice('b', { path: link })
  await onboard(b.page, 'bia')
  await waitForDirectPeer(a.page)
  await waitForDirectPeer(b.page)
  return { a, b, link, room }
}

/** Epoch milliseconds with sub-millisecond resolution, comparable across pages of one machine. */
export const NOW = 'performance.timeOrigin + performance.now()'

/**
 * Records, in the page, when each message whose text starts with `prefix` is added to the DOM:
 * texts look like `<prefix><n>:<sent-at>`, and the arrival minus sent-at is the latency.
 */
export async function watchArrivals(page: Page, prefix: string): Promise<void> {
  await page.evaluate((p) => {
    const w = window as unknown as { __arrivals: Record<string, number[]> }
    w.__arrivals ??= {}
    const list: number[] = (w.__arrivals[p] = [])
    const seen = new Set<Element>()
    new MutationObserver(() => {
      const at = performance.timeOrigin + performance.now()
      for (const el of document.querySelectorAll('[data-testid="message-text"]')) {
        if (seen.has(el)) continue
        seen.add(el)
        const text = el.textContent ?? ''
        if (!text.startsWith(p)) continue
        const sentAt = Number(text.split(':')[1])
        list.push(at - sentAt)
      }
    }).observe(document.body, { childList: true, subtree: true })
  }, prefix)
}

export async function arrivals(page: Page, prefix: string, count: number): Promise<number[]> {
  await expect
    .poll(() => page.evaluate((p) => (window as unknown as { __arrivals: Record<string, number[]> }).__arrivals[p]!.length, prefix), { timeout: 120_000 })
    .toBeGreaterThanOrEqual(count)
  return page.evaluate((p) => (window as unknown as { __arrivals: Record<string, number[]> }).__arrivals[p]!, prefix)
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
