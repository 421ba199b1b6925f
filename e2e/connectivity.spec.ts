// What people are told about connectivity, and how fast it comes back: the header's
// online/connecting/offline, its countdown and "Retry now", and members finding each other
// again after the relay restarts. Real Chromium, the real relay (started by the test so it can
// stop it), real WebRTC on loopback. Paths through real NATs are in e2e/nat/.
import '../scripts/polyfill.mjs'
import { createRelay, type Relay } from '../signaling-relay/src/index.ts'
import { test, expect } from './fixtures.ts'
import { createRoom, message, onboard, send, useRelay, waitForDirectPeer } from './helpers.ts'

const RELAY_PORT = 9193
let relay: Relay | undefined

test.afterEach(async () => {
  await relay?.stop()
  relay = undefined
})

const startRelay = async (): Promise<string> => {
  relay = await createRelay({ port: RELAY_PORT, inboundConnectionThreshold: 1000 })
  return relay.addresses[0]!
}

test('offline says so in words, counts down to the next attempt, and "Retry now" reconnects at once', async ({ newDevice }) => {
  const addr = await startRelay()
  const a = await newDevice('a')
  await onboard(a.page, 'ana')
  await useRelay(a.page, addr)
  await createRoom(a.page)
  const state = a.page.getByTestId('connection-state')
  await expect(state).toHaveAttribute('data-state', 'online')
  await expect(state.getByRole('status')).toHaveText('Online')

  await relay!.stop()
  await expect(state).toHaveAttribute('data-state', 'offline', { timeout: 10_000 })
  await expect(state.getByRole('status')).toHaveText('Offline — posts will be sent later')
  // It stays "offline" through the retries (no flicker to "connecting"), and the countdown moves.
  const countdowns = new Set<string>()
  for (let i = 0; i < 8; i++) {
    await expect(state).toHaveAttribute('data-state', 'offline')
    const text = await state.locator('.retry-in').textContent().catch(() => null)
    if (text) countdowns.add(text)
    await a.page.waitForTimeout(300)
  }
  expect(countdowns.size, `countdown texts seen: ${[...countdowns].join(' | ')}`).toBeGreaterThan(1)
  await send(a.page, 'written while offline')
  await expect(message(a.page, 'written while offline')).toHaveAttribute('data-status', 'pending')

  await startRelay()
  await state.getByTestId('retry-now').click({ timeout: 5_000 }).catch(() => {
    // The regular retry (every 2 s at most) may have won the race: then the button is gone.
  })
  await expect(state).toHaveAttribute('data-state', 'online', { timeout: 5_000 })
  await expect(state.getByTestId('retry-now')).toHaveCount(0)
})

test('after the relay restarts, a newcomer meets the members within 5 s of it being back', async ({ newDevice }) => {
  const addr = await startRelay()
  const a = await newDevice('a')
  await onboard(a.page, 'ana')
  await useRelay(a.page, addr)
  const link = await createRoom(a.page)
  const b = await newDevice('b')
  await onboard(b.page, 'bia')
  await useRelay(b.page, addr)
  await b.page.goto(link)
  await waitForDirectPeer(a.page)
  await waitForDirectPeer(b.page)

  await relay!.stop()
  const c = await newDevice('c')
  await onboard(c.page, 'caio')
  await c.page.evaluate(async (relayAddr) => window.roda!.chat.db.settings.put({ key: 'relays', value: [relayAddr] }), addr)
  await c.page.goto(link)
  await c.page.reload()
  for (const d of [a, b, c]) await expect(d.page.getByTestId('relay-status')).not.toHaveAttribute('data-state', 'online', { timeout: 15_000 })
  // The newcomer has nobody; the members still have each other, so they are still "online".
  await expect(c.page.getByTestId('connection-state')).toHaveAttribute('data-state', 'offline')
  for (const d of [a, b]) await expect(d.page.getByTestId('connection-state')).toHaveAttribute('data-state', 'online')
  await send(a.page, 'while the relay is down')
  await expect(message(b.page, 'while the relay is down')).toBeVisible()

  await startRelay()
  const back = Date.now()
  await expect(c.page.locator('[data-testid="peer"][data-connection="direct"]')).toHaveCount(2, { timeout: 5_000 })
  test.info().annotations.push({ type: 'figure', description: `newcomer connected to both members ${Date.now() - back} ms after the relay was back` })
  await expect(message(c.page, 'while the relay is down')).toBeVisible({ timeout: 10_000 })
  await send(c.page, 'hello after the restart')
  for (const d of [a, b]) await expect(message(d.page, 'hello after the restart')).toBeVisible()
})
