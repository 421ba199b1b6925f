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
    // Only what was added is looked at: the watcher must not slow the page it measures.
    const found = (node: Node, at: number) => {
      if (!(node instanceof Element)) return
      const els = node.matches('[data-testid="message-text"]') ? [node] : node.querySelectorAll('[data-testid="message-text"]')
      for (const el of els) {
        if (seen.has(el)) continue
        seen.add(el)
        const text = el.textContent ?? ''
        if (!text.startsWith(p)) continue
        list.push(at - Number(text.split(':')[1]))
      }
    }
    new MutationObserver((records) => {
      const at = performance.timeOrigin + performance.now()
      for (const r of records) for (const node of r.addedNodes) found(node, at)
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
