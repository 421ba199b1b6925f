// History sync: late joiners, devices that were away, posts written with nobody reachable, and
// a relay restart. Real Chromium contexts, the real relay, real WebRTC, loopback-only namespace.
import '../scripts/polyfill.mjs'
import type { Page } from '@playwright/test'
import { createRelay, type Relay } from '../signaling-relay/src/index.ts'
import { test, expect } from './fixtures.ts'
import { createRoom, message, onboard, pairInRoom, roomId, send, sendMany, texts, useRelay, waitForDirectPeer } from './helpers.ts'

const range = (n: number, f: (i: number) => string) => Array.from({ length: n }, (_, i) => f(i))

test('a late joiner receives the whole history, in the same order as everyone else', async ({ newDevice }) => {
  const { a, b, link, room } = await pairInRoom(newDevice, 'big room')

  // Interleaved writers, so the order really has to be merged.
  for (let round = 0; round < 4; round++) {
    await Promise.all([
      sendMany(a.page, room, range(25, (i) => `a${round}-${i}`)),
      sendMany(b.page, room, range(25, (i) => `b${round}-${i}`)),
    ])
  }
  await expect(a.page.getByTestId('message')).toHaveCount(200)
  await expect(b.page.getByTestId('message')).toHaveCount(200)

  const c = await newDevice('c', { path: link })
  const opened = Date.now()
  await onboard(c.page, 'caio')
  await expect(c.page.getByTestId('message')).toHaveCount(200, { timeout: 30_000 })
  test.info().annotations.push({ type: 'figure', description: `late joiner showed 200 posts ${Date.now() - opened} ms after opening the link` })
  const order = await texts(a.page)
  expect(await texts(c.page)).toEqual(order)
  expect(await texts(b.page)).toEqual(order)
})

test('a device that closed its tab catches up when it comes back', async ({ newDevice }) => {
  const a = await newDevice('a')
  await onboard(a.page, 'ana')
  const link = await createRoom(a.page)
  const room = await roomId(a.page)
  const b = await newDevice('b', { path: link })
  await onboard(b.page, 'bia')
  await waitForDirectPeer(b.page)
  await send(b.page, 'before closing')
  await expect(message(a.page, 'before closing')).toBeVisible()

  await b.page.close()
  await sendMany(a.page, room, range(50, (i) => `while away ${i}`))

  const again = await b.context.newPage()
  await again.goto(link)
  await expect(again.getByTestId('message')).toHaveCount(51, { timeout: 30_000 })
  expect(await texts(again)).toEqual(await texts(a.page))
})

test('posts written with nobody reachable wait as pending and are delivered later', async ({ newDevice }) => {
  const a = await newDevice('a')
  await onboard(a.page, 'ana')
  const link = await createRoom(a.page)
  const b = await newDevice('b', { path: link })
  await onboard(b.page, 'bia')
  await waitForDirectPeer(b.page)

  // Every other device closes: B has nobody to deliver to.
  await a.page.close()
  await expect(b.page.getByTestId('peer')).toHaveCount(0, { timeout: 20_000 })
  for (const t of ['offline 1', 'offline 2', 'offline 3']) await send(b.page, t)
  for (const t of ['offline 1', 'offline 2', 'offline 3']) {
    await expect(message(b.page, t)).toHaveAttribute('data-status', 'pending')
  }
  // Still pending a while later: nobody has them.
  await b.page.waitForTimeout(2_000)
  await expect(message(b.page, 'offline 3')).toHaveAttribute('data-status', 'pending')

  const a2 = await a.context.newPage()
  await a2.goto(link)
  for (const t of ['offline 1', 'offline 2', 'offline 3']) {
    await expect(message(a2, t)).toBeVisible({ timeout: 30_000 })
    await expect(message(b.page, t)).toHaveAttribute('data-status', 'sent')
  }
})

test.describe('with a relay the test controls', () => {
  const RELAY_PORT = 9191
  let relay: Relay | undefined

  test.afterEach(async () => {
    await relay?.stop()
    relay = undefined
  })

  test('a relay restart mid-conversation loses nothing on either side', async ({ newDevice }) => {
    relay = await createRelay({ port: RELAY_PORT, inboundConnectionThreshold: 1000 })
    const addr = relay.addresses[0]!
    const a = await newDevice('a')
    await onboard(a.page, 'ana')
    await useRelay(a.page, addr)
    const link = await createRoom(a.page)
    const b = await newDevice('b', { goto: false })
    await b.page.goto('/')
    await onboard(b.page, 'bia')
    await useRelay(b.page, addr)
    await b.page.goto(link)
    await waitForDirectPeer(a.page)
    await waitForDirectPeer(b.page)
    await send(a.page, 'before the outage (a)')
    await send(b.page, 'before the outage (b)')

    await relay.stop()
    await expect(a.page.getByTestId('relay-status')).not.toHaveAttribute('data-state', 'online', { timeout: 20_000 })
    // The direct connection does not need the relay: the conversation goes on.
    await send(a.page, 'during the outage (a)')
    await expect(message(b.page, 'during the outage (a)')).toBeVisible()
    // B reloads while the relay is down: it cannot reach anyone, so its post waits.
    await b.page.reload()
    await expect(b.page.getByTestId('relay-status')).not.toHaveAttribute('data-state', 'online')
    await send(b.page, 'during the outage (b)')
    await expect(message(b.page, 'during the outage (b)')).toHaveAttribute('data-status', 'pending')

    // Same address, new relay process (and a new identity).
    relay = await createRelay({ port: RELAY_PORT, inboundConnectionThreshold: 1000 })
    for (const page of [a.page, b.page]) {
      await expect(page.getByTestId('relay-status')).toHaveAttribute('data-state', 'online', { timeout: 45_000 })
    }
    await waitForDirectPeer(b.page, 45_000)
    await send(a.page, 'after the outage (a)')
    await send(b.page, 'after the outage (b)')

    const all = ['before the outage (a)', 'before the outage (b)', 'during the outage (a)', 'during the outage (b)', 'after the outage (a)', 'after the outage (b)']
    for (const page of [a.page, b.page]) {
      for (const t of all) await expect(message(page, t)).toBeVisible({ timeout: 30_000 })
    }
    expect(await texts(a.page)).toEqual(await texts(b.page))
    await expect(message(b.page, 'during the outage (b)')).toHaveAttribute('data-status', 'sent')
  })

  test('with several relays configured, a device uses another one when the first is down', async ({ newDevice }) => {
    relay = await createRelay({ port: RELAY_PORT, inboundConnectionThreshold: 1000 })
    // Nothing listens on this port: the first relay in the list is down.
    const relays = ['/ip4/127.0.0.1/tcp/9192/ws', relay.addresses[0]!]
    const setRelays = async (page: Page) => {
      await page.evaluate(async (list) => window.roda!.chat.db.settings.put({ key: 'relays', value: list }), relays)
      await page.reload()
      await expect(page.getByTestId('relay-status')).toHaveAttribute('data-state', 'online', { timeout: 30_000 })
    }
    const a = await newDevice('a')
    await onboard(a.page, 'ana')
    await setRelays(a.page)
    const link = await createRoom(a.page)
    const b = await newDevice('b')
    await onboard(b.page, 'bia')
    await setRelays(b.page)
    await b.page.goto(link)
    await waitForDirectPeer(b.page)
    await send(b.page, 'through the second relay')
    await expect(message(a.page, 'through the second relay')).toBeVisible()
  })
})
