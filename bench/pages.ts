import type { Page } from '@playwright/test'
import { expect } from '../e2e/fixtures.ts'

export { pairInRoom } from '../e2e/helpers.ts'

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
