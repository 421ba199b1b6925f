import type { Page } from '@playwright/test'
import { expect, type Device } from './fixtures.ts'

/** Onboards a device with a display name and returns its public key (64 hex). */
export async function onboard(page: Page, name: string): Promise<string> {
  await page.getByTestId('name-input').fill(name)
  await page.getByTestId('name-save').click()
  const key = await page.getByTestId('my-key').getAttribute('data-key')
  expect(key).toMatch(/^[0-9a-f]{64}$/)
  return key!
}

/** Creates a room from the room list and returns its shareable link. */
export async function createRoom(page: Page, title = ''): Promise<string> {
  if (title) await page.getByTestId('room-title-input').fill(title)
  await page.getByTestId('create-room').click()
  const link = await page.getByTestId('room-link').getAttribute('data-link')
  expect(link).toContain('#room=')
  return link!
}

export async function send(page: Page, text: string): Promise<void> {
  await page.getByTestId('composer').fill(text)
  await page.getByTestId('send').click()
}

export function message(page: Page, text: string) {
  return page.getByTestId('message').filter({ has: page.getByTestId('message-text').getByText(text, { exact: true }) })
}

export async function waitForDirectPeer(page: Page, timeout = 30_000): Promise<void> {
  await expect(page.locator('[data-testid="peer"][data-connection="direct"]').first()).toBeVisible({ timeout })
}

export async function roomId(page: Page): Promise<string> {
  const id = await page.locator('main.room').getAttribute('data-room-id')
  expect(id).toMatch(/^[0-9a-f]{32}$/)
  return id!
}

/** Writes posts through the app's own command (sign, store, publish), faster than typing. */
export async function sendMany(page: Page, room: string, lines: string[]): Promise<void> {
  await page.evaluate(
    async ({ roomHex, list }) => {
      for (const t of list) await window.roda!.chat.send(roomHex, t)
    },
    { roomHex: room, list: lines },
  )
}

export function texts(page: Page): Promise<string[]> {
  return page.getByTestId('message-text').allInnerTexts()
}

/** Points a device at another relay (the saved setting wins over the served one) and reloads. */
export async function useRelay(page: Page, relay: string): Promise<void> {
  await page.evaluate(async (addr) => {
    await window.roda!.chat.db.settings.put({ key: 'relays', value: [addr] })
  }, relay)
  await page.reload()
  await expect(page.getByTestId('relay-status')).toHaveAttribute('data-state', 'online', { timeout: 20_000 })
}

export interface Pair {
  a: Device
  b: Device
  link: string
  room: string
}

/** Two devices in one room: "ana" creates it, "bia" opens its link, both see a direct peer. */
export async function pairInRoom(newDevice: (name?: string, o?: { path?: string; goto?: boolean }) => Promise<Device>, title = 'bench'): Promise<Pair> {
  const a = await newDevice('a')
  await onboard(a.page, 'ana')
  const link = await createRoom(a.page, title)
  const room = await roomId(a.page)
  const b = await newDevice('b', { path: link })
  await onboard(b.page, 'bia')
  await waitForDirectPeer(a.page)
  await waitForDirectPeer(b.page)
  return { a, b, link, room }
}
