// The NAT harness (e2e/nat/topology.ts) against bare WebRTC: which NATs let two browsers meet
// directly, which need TURN, and that without TURN a symmetric NAT really fails. Checked with a
// plain RTCPeerConnection on about:blank, not the app, so a failure here is the network's (or the
// harness's), never Roda's. The last test serves Roda itself from the "internet".
import type { Browser, Page } from '@playwright/test'
import { test, expect } from '../fixtures.ts'
import { onboard } from '../helpers.ts'
import { closeRawPeer, connectRawPeers, describePath, openRawPeer, receivedRaw, selectedPath, sendRaw, type SelectedPath } from './raw-webrtc.ts'
import { Topology, type TopologyOptions } from './topology.ts'

let net: Topology | undefined

/** A measurement: in the report's annotations, and in the run's output for the record. */
function note(type: string, description: string): void {
  test.info().annotations.push({ type, description })
  console.log(`[${test.info().title.slice(0, 40)}] ${type}: ${description}`)
}

test.afterEach(async () => {
  await net?.close()
  net = undefined
})

async function build(options: TopologyOptions): Promise<Topology> {
  net = await Topology.create(options)
  note('topology', `built in ${net.createMs} ms`)
  return net
}

/**
 * One browser per device, launched side by side, and a blank page in each. Media permission is
 * granted as e2e/fixtures.ts does for the app: host candidates then carry real addresses, not
 * mDNS names, so a LAN path is possible whenever the network allows it.
 */
async function pages(topology: Topology, ...devices: string[]): Promise<Page[]> {
  const started = Date.now()
  const browsers: Browser[] = await Promise.all(devices.map((d) => topology.launchBrowser(d)))
  const result = await Promise.all(browsers.map(async (b) => (await b.newContext({ permissions: ['camera', 'microphone'] })).newPage()))
  note('browsers', `${devices.length} launched in ${Date.now() - started} ms`)
  return result
}

function hasRelay(path: SelectedPath | null): boolean {
  return path?.local.type === 'relay' || path?.remote.type === 'relay'
}

/** Connects, sends one message each way and returns both selected paths. */
async function connectAndTalk(a: Page, b: Page): Promise<[SelectedPath | null, SelectedPath | null]> {
  const result = await connectRawPeers(a, b, { timeoutMs: 20_000 })
  note('ice', `${result.offerer}/${result.answerer} in ${result.ms} ms, gathered ${JSON.stringify(result.gathered)}`)
  expect(result, 'both sides connect').toMatchObject({ offerer: 'connected', answerer: 'connected' })
  await sendRaw(a, 'hello from a')
  await sendRaw(b, 'hello from b')
  await expect.poll(() => receivedRaw(b)).toEqual(['hello from a'])
  await expect.poll(() => receivedRaw(a)).toEqual(['hello from b'])
  const paths: [SelectedPath | null, SelectedPath | null] = [await selectedPath(a), await selectedPath(b)]
  note('path', `${describePath(paths[0])}; other side: ${describePath(paths[1])}`)
  return paths
}

test('endpoint-independent NATs on both sides: a direct path through both NATs, no relay', async () => {
  // Both homes use the same private subnet, as most do: the host candidates even collide.
  const topology = await build({ homes: [{ name: 'a', nat: 'eim', subnet: '192.168.1' }, { name: 'b', nat: 'eim', subnet: '192.168.1' }] })
  expect(topology.device('a').address).toBe(topology.device('b').address)
  const turn = await topology.startCoturn()
  const [a, b] = await pages(topology, 'a', 'b')
  // TURN is offered too: ICE must still prefer the direct path.
  await openRawPeer(a!, turn.iceServers('a'))
  await openRawPeer(b!, turn.iceServers('b'))
  await connectAndTalk(a!, b!)

  // Host candidates are private and the homes are apart: each side reaches the other's NAT
  // (srflx, or prflx if the other's check arrived before its candidate). ICE may nominate a
  // relayed pair that answered first and then move to the direct one, so wait for it.
  const direct = (other: string) => new RegExp(`^(host|srflx|prflx) \\S+ -> (srflx|prflx) ${other.replaceAll('.', '\\.')}:\\d+$`)
  await expect.poll(async () => describePath(await selectedPath(a!))).toMatch(direct(topology.publicAddress('b')))
  await expect.poll(async () => describePath(await selectedPath(b!))).toMatch(direct(topology.publicAddress('a')))
})

test('symmetric NAT on one side: only TURN connects, and coturn allocated for it', async () => {
  const topology = await build({ homes: [{ name: 'a', nat: 'symmetric' }, { name: 'b', nat: 'eim' }] })
  const turn = await topology.startCoturn()
  const [a, b] = await pages(topology, 'a', 'b')
  await openRawPeer(a!, turn.iceServers('device-a'))
  await openRawPeer(b!, turn.iceServers('device-b'))
  const [pathA, pathB] = await connectAndTalk(a!, b!)

  expect(hasRelay(pathA), describePath(pathA)).toBe(true)
  expect(hasRelay(pathB), describePath(pathB)).toBe(true)
  // The relay address is coturn's, on the internet.
  const relayEnd = pathA!.local.type === 'relay' ? pathA!.local : pathA!.remote
  expect(relayEnd.address).toBe(topology.internet.address)
  // Time-limited REST credentials, checked by coturn against the shared secret.
  await turn.waitForLog(/user <\d+:device-a>: incoming packet ALLOCATE processed, success/)
  // coturn logs what it relayed to and from peers when an allocation ends; closing the
  // connections ends them (a REFRESH with lifetime 0).
  await closeRawPeer(a!)
  await closeRawPeer(b!)
  const usage = await turn.waitForLog(/peer usage: realm=<roda\.test>, username=<\d+:device-[ab]>, rp=\d+, rb=[1-9]\d*/)
  note('relayed', usage[0])
})

test('symmetric NAT without TURN: ICE fails, within a bounded time', async () => {
  const topology = await build({ homes: [{ name: 'a', nat: 'symmetric' }, { name: 'b', nat: 'eim' }] })
  const turn = await topology.startCoturn()
  const [a, b] = await pages(topology, 'a', 'b')
  await openRawPeer(a!, [{ urls: turn.stunUrl }])
  await openRawPeer(b!, [{ urls: turn.stunUrl }])
  const result = await connectRawPeers(a!, b!, { timeoutMs: 30_000 })
  note('ice', `${result.offerer}/${result.answerer} in ${result.ms} ms, gathered ${JSON.stringify(result.gathered)}`)
  // STUN worked (each side learnt its public address): the failure is the NAT's, not a config's.
  expect(result.gathered.offerer.srflx ?? 0).toBeGreaterThan(0)
  expect(result.gathered.answerer.srflx ?? 0).toBeGreaterThan(0)
  expect(result).toMatchObject({ offerer: 'failed', answerer: 'failed' })
  await closeRawPeer(a!)
  await closeRawPeer(b!)
})

test('client isolation on one guest LAN behind one NAT: the two devices connect through TURN', async () => {
  const topology = await build({ homes: [{ name: 'guest', nat: 'eim', devices: ['c', 'd'], isolated: true }] })
  const turn = await topology.startCoturn()
  const [c, d] = await pages(topology, 'c', 'd')
  await openRawPeer(c!, turn.iceServers('c'))
  await openRawPeer(d!, turn.iceServers('d'))
  const [pathC, pathD] = await connectAndTalk(c!, d!)
  expect(hasRelay(pathC), describePath(pathC)).toBe(true)
  expect(hasRelay(pathD), describePath(pathD)).toBe(true)

  // Control: the same LAN without isolation connects host to host, so the isolation (not
  // something else in the topology) is what forced the relay.
  await closeRawPeer(c!)
  await closeRawPeer(d!)
  await topology.setIsolation('guest', false)
  await openRawPeer(c!, turn.iceServers('c'))
  await openRawPeer(d!, turn.iceServers('d'))
  await connectAndTalk(c!, d!)
  // As above, the direct pair may take over from a relayed one a moment later.
  await expect.poll(async () => describePath(await selectedPath(c!))).toMatch(new RegExp(`^host \\S+ -> host ${topology.device('d').address.replaceAll('.', '\\.')}:\\d+$`))
})

test('Roda served from the internet over HTTPS: a device behind a NAT gets its relay online; links go down and up; the server restarts', async () => {
  const topology = await build({ homes: [{ name: 'a', nat: 'eim' }] })
  const started = Date.now()
  const roda = await topology.startRoda()
  note('roda', `${roda.url} up in ${Date.now() - started} ms`)
  expect(roda.url).toContain(topology.internet.address)
  const browser = await topology.launchBrowser('a', { args: ['--ignore-certificate-errors'] })
  const page = await (await browser.newContext()).newPage()
  await page.goto(roda.url)
  await onboard(page, 'ana')
  await expect(page.getByTestId('relay-status')).toHaveAttribute('data-state', 'online', { timeout: 20_000 })

  await topology.setLink('a', 'down')
  await expect.poll(() => page.evaluate(() => navigator.onLine)).toBe(false)
  await topology.setLink('a', 'up')
  await expect.poll(() => page.evaluate(() => navigator.onLine)).toBe(true)
  // The route is back, and the server answers again after a restart (same address and port).
  // Asked from a context of its own: the app's service worker could answer from its cache.
  const probe = await browser.newContext()
  const answers = async (timeout = 5_000) => {
    const p = await probe.newPage()
    try {
      return (await p.goto(new URL('/roda-config.json', roda.url).href, { timeout }))?.ok() ?? false
    } catch {
      return false
    } finally {
      await p.close()
    }
  }
  await expect.poll(() => answers()).toBe(true)
  // A home cut off upstream: the device's own link stays up, so the browser thinks it is online.
  await topology.setUplink('a', 'down')
  const cutAt = Date.now()
  expect(await answers(3_000)).toBe(false)
  note('uplink down', `request failed after ${Date.now() - cutAt} ms`)
  expect(await page.evaluate(() => navigator.onLine)).toBe(true)
  await topology.setUplink('a', 'up')
  await expect.poll(() => answers()).toBe(true)
  const restarted = Date.now()
  await roda.restart()
  note('roda', `restarted in ${Date.now() - restarted} ms`)
  await expect.poll(() => answers()).toBe(true)
})
