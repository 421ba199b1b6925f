// Roda itself across real NATs (e2e/nat/topology.ts): the app served from the "internet" with
// its relay, coturn beside it, one Chromium per home. What each person sees must be true: a
// direct path where the NATs allow one, "relayed through your server" where only TURN works,
// "can't be reached" (and posts waiting) where nothing works, and offline when the link is cut.
import type { Browser, Page } from '@playwright/test'
import { test, expect } from '../fixtures.ts'
import { createRoom, message, onboard, send } from '../helpers.ts'
import { Topology, type Coturn, type RodaServer, type TopologyOptions } from './topology.ts'

let net: Topology | undefined

test.afterEach(async () => {
  await net?.close()
  net = undefined
})

function note(type: string, description: string): void {
  test.info().annotations.push({ type, description })
  console.log(`[${test.info().title.slice(0, 40)}] ${type}: ${description}`)
}

/** TURN_URLS and TURN_SECRET for the relay, as an operator sets them for their coturn. */
function turnEnv(turn: Coturn): Record<string, string> {
  return { TURN_URLS: [turn.stunUrl, ...turn.turnUrls].join(','), TURN_SECRET: turn.secret }
}

async function device(topology: Topology, name: string): Promise<Page> {
  const browser: Browser = await topology.launchBrowser(name, { args: ['--ignore-certificate-errors'] })
  // Media permission, as e2e/fixtures.ts grants it: host candidates then carry real addresses.
  return (await browser.newContext({ permissions: ['camera', 'microphone'] })).newPage()
}

/** "ana" in home `a` creates a room; "bruno" in home `b` opens its link. */
async function pair(topology: Topology, roda: RodaServer, a = 'a', b = 'b'): Promise<{ ana: Page; bruno: Page }> {
  const [ana, bruno] = await Promise.all([device(topology, a), device(topology, b)])
  await ana.goto(roda.url)
  await onboard(ana, 'ana')
  const link = await createRoom(ana, 'across networks')
  await bruno.goto(link)
  await onboard(bruno, 'bruno')
  return { ana, bruno }
}

async function build(options: TopologyOptions): Promise<Topology> {
  net = await Topology.create(options)
  return net
}

/** The peer row for the other person, by the name their hello gave. */
const peerRow = (page: Page, name: string) => page.getByTestId('peer').filter({ hasText: name })

async function chat(ana: Page, bruno: Page, tag: string): Promise<void> {
  await send(ana, `hello from ana ${tag}`)
  await send(bruno, `hello from bruno ${tag}`)
  await expect(message(bruno, `hello from ana ${tag}`)).toBeVisible()
  await expect(message(ana, `hello from bruno ${tag}`)).toBeVisible()
  await expect(message(ana, `hello from ana ${tag}`)).toHaveAttribute('data-status', 'sent')
}

test('endpoint-independent NATs: a direct path through both NATs, found with the STUN the relay hands out', async () => {
  const topology = await build({ homes: [{ name: 'a', nat: 'eim' }, { name: 'b', nat: 'eim' }] })
  const turn = await topology.startCoturn()
  const roda = await topology.startRoda({ env: turnEnv(turn) })
  const started = Date.now()
  const { ana, bruno } = await pair(topology, roda)
  // TURN is offered too: ICE must still settle on the direct path (host candidates are private
  // and the homes apart, so each side reaches the other's NAT: srflx, or prflx).
  for (const [page, other] of [[ana, 'bruno'], [bruno, 'ana']] as const) {
    await expect(peerRow(page, other)).toHaveAttribute('data-connection', 'direct', { timeout: 30_000 })
    await expect(peerRow(page, other)).toHaveAttribute('data-path', /^(host|srflx|prflx)\/(srflx|prflx)$/)
    await expect(peerRow(page, other)).toContainText('direct')
  }
  note('joined', `direct on both sides ${Date.now() - started} ms after the first page opened`)
  await chat(ana, bruno, 'through two NATs')
})

test('symmetric NAT on one side: the posts go through TURN, and everyone is told so', async () => {
  const topology = await build({ homes: [{ name: 'a', nat: 'symmetric' }, { name: 'b', nat: 'eim' }] })
  const turn = await topology.startCoturn()
  const roda = await topology.startRoda({ env: turnEnv(turn) })
  const { ana, bruno } = await pair(topology, roda)
  for (const [page, other] of [[ana, 'bruno'], [bruno, 'ana']] as const) {
    await expect(peerRow(page, other)).toHaveAttribute('data-connection', 'turn', { timeout: 30_000 })
    await expect(peerRow(page, other)).toHaveAttribute('data-path', /relay/)
    await expect(peerRow(page, other)).toContainText('relayed through your server')
  }
  await chat(ana, bruno, 'through TURN')
  // coturn allocated with the short-lived credentials the relay minted for a browser's peer id.
  const allocation = await turn.waitForLog(/user <\d+:12D3Koo\w+>: incoming packet ALLOCATE processed, success/)
  note('coturn', allocation[0])
  // Nobody claims a direct path.
  await expect(ana.locator('[data-testid="peer"][data-connection="direct"]')).toHaveCount(0)
  await expect(bruno.locator('[data-testid="peer"][data-connection="direct"]')).toHaveCount(0)
})

test('no TURN and a symmetric NAT: "can\'t be reached", posts wait, and go once TURN is turned on', async () => {
  const topology = await build({ homes: [{ name: 'a', nat: 'symmetric' }, { name: 'b', nat: 'eim' }] })
  const turn = await topology.startCoturn()
  // STUN only: each side learns its public address, which is not enough through this NAT.
  const roda = await topology.startRoda({ env: { TURN_URLS: turn.stunUrl } })
  const opened = Date.now()
  const { ana, bruno } = await pair(topology, roda)
  for (const [page, other] of [[ana, 'bruno'], [bruno, 'ana']] as const) {
    // Named (its hello came over the relay's circuit) and said to be unreachable.
    await expect(peerRow(page, other)).toHaveAttribute('data-connection', 'unreachable', { timeout: 60_000 })
    await expect(peerRow(page, other)).toContainText('can’t be reached from this network')
    await expect(page.getByTestId('no-path-help')).toContainText('A TURN server next to the relay would connect you')
    await expect(page.locator('[data-testid="peer"][data-connection="direct"]')).toHaveCount(0)
  }
  note('unreachable', `shown on both sides ${Date.now() - opened} ms after the first page opened`)
  await send(ana, 'written with no path')
  await expect(message(ana, 'written with no path')).toHaveAttribute('data-status', 'pending')
  await ana.waitForTimeout(2_000)
  await expect(message(ana, 'written with no path')).toHaveAttribute('data-status', 'pending')
  await expect(message(bruno, 'written with no path')).toHaveCount(0)

  // The operator turns TURN on: the relay restarts with it, both browsers find the relay again
  // within seconds, learn the TURN server, and try the unreachable peer at once.
  await roda.stop()
  const withTurn = await topology.startRoda({ env: turnEnv(turn) })
  const back = Date.now()
  await expect(message(bruno, 'written with no path')).toBeVisible({ timeout: 30_000 })
  note('delivered', `${Date.now() - back} ms after the relay came back with TURN`)
  await expect(message(ana, 'written with no path')).toHaveAttribute('data-status', 'sent', { timeout: 15_000 })
  for (const [page, other] of [[ana, 'bruno'], [bruno, 'ana']] as const) {
    await expect(peerRow(page, other)).toHaveAttribute('data-connection', 'turn')
    await expect(page.getByTestId('no-path-help')).toHaveCount(0)
  }
  expect(withTurn.url).toBe(roda.url)
})

test('an unreachable member who leaves is no longer listed as "can\'t be reached"', async () => {
  const topology = await build({ homes: [{ name: 'a', nat: 'symmetric' }, { name: 'b', nat: 'eim' }] })
  const turn = await topology.startCoturn()
  const roda = await topology.startRoda({ env: { TURN_URLS: turn.stunUrl } })
  const { ana, bruno } = await pair(topology, roda)
  await expect(peerRow(ana, 'bruno')).toHaveAttribute('data-connection', 'unreachable', { timeout: 60_000 })
  await bruno.context().close()
  const left = Date.now()
  await expect(peerRow(ana, 'bruno')).toHaveCount(0, { timeout: 15_000 })
  note('left', `bruno's row went ${Date.now() - left} ms after he closed the page`)
  await expect(ana.getByTestId('no-path-help')).toHaveCount(0)
})

test('client isolation on a guest Wi-Fi: two devices on one LAN connect through TURN', async () => {
  const topology = await build({ homes: [{ name: 'guest', nat: 'eim', devices: ['c', 'd'], isolated: true }] })
  const turn = await topology.startCoturn()
  const roda = await topology.startRoda({ env: turnEnv(turn) })
  const { ana, bruno } = await pair(topology, roda, 'c', 'd')
  for (const [page, other] of [[ana, 'bruno'], [bruno, 'ana']] as const) {
    await expect(peerRow(page, other)).toHaveAttribute('data-connection', 'turn', { timeout: 30_000 })
  }
  await chat(ana, bruno, 'on the guest Wi-Fi')
})

test('a device that loses its network shows offline at once, and the other side stops claiming it within seconds', async () => {
  const topology = await build({ homes: [{ name: 'a', nat: 'eim' }, { name: 'b', nat: 'eim' }] })
  const turn = await topology.startCoturn()
  const roda = await topology.startRoda({ env: turnEnv(turn) })
  const { ana, bruno } = await pair(topology, roda)
  await expect(peerRow(ana, 'bruno')).toHaveAttribute('data-connection', 'direct', { timeout: 30_000 })
  await expect(peerRow(bruno, 'ana')).toHaveAttribute('data-connection', 'direct', { timeout: 30_000 })

  await topology.setLink('b', 'down')
  const cut = Date.now()
  await expect(bruno.getByTestId('connection-state')).toHaveAttribute('data-state', 'offline', { timeout: 3_000 })
  await expect(bruno.getByTestId('connection-state')).toContainText('Offline — posts will be sent later')
  // Ana's side: the WebRTC connection goes silent; pings find it dead.
  await expect(ana.locator('[data-testid="peer"][data-connection="direct"]')).toHaveCount(0, { timeout: 12_000 })
  note('dead connection', `ana stopped showing bruno as direct ${Date.now() - cut} ms after his link went down`)
  await send(bruno, 'written offline')
  await expect(message(bruno, 'written offline')).toHaveAttribute('data-status', 'pending')

  await topology.setLink('b', 'up')
  await expect(bruno.getByTestId('connection-state')).toHaveAttribute('data-state', 'online', { timeout: 10_000 })
  await expect(message(ana, 'written offline')).toBeVisible({ timeout: 30_000 })
  await expect(message(bruno, 'written offline')).toHaveAttribute('data-status', 'sent', { timeout: 15_000 })
})
