// Across networks (e2e/nat/topology.ts: real NATs from network namespaces, coturn, the app and
// its relay on the "internet"): how long a newcomer waits for the first post from a peer in each
// kind of network, and what a TURN path costs per post next to a direct one, in one run.
import '../scripts/polyfill.mjs'
import type { Browser, Page } from '@playwright/test'
import { expect, test } from '../e2e/fixtures.ts'
import { createRoom, message, onboard, send } from '../e2e/helpers.ts'
import { Topology, type Coturn, type HomeSpec } from '../e2e/nat/topology.ts'
import { arrivals, watchArrivals } from './pages.ts'
import { median, percentile, record, round } from './results.ts'

const JOINS = 5
const POSTS = 100
const GAP_MS = 100

let net: Topology | undefined
test.afterEach(async () => {
  await net?.close()
  net = undefined
})

const turnEnv = (turn: Coturn) => ({ TURN_URLS: [turn.stunUrl, ...turn.turnUrls].join(','), TURN_SECRET: turn.secret })

async function launch(topology: Topology, device: string): Promise<Browser> {
  return topology.launchBrowser(device, { args: ['--ignore-certificate-errors'] })
}

async function newPage(browser: Browser): Promise<Page> {
  return (await browser.newContext({ permissions: ['camera', 'microphone'] })).newPage()
}

const TOPOLOGIES: Array<{ label: string; homes: HomeSpec[]; host: string; joiner: string; connection: string }> = [
  { label: 'one LAN (host candidates)', homes: [{ name: 'lan', nat: 'eim', devices: ['h', 'j'] }], host: 'h', joiner: 'j', connection: 'direct' },
  { label: 'two NATs, STUN (srflx)', homes: [{ name: 'a', nat: 'eim' }, { name: 'b', nat: 'eim' }], host: 'a', joiner: 'b', connection: 'direct' },
  { label: 'symmetric NAT, TURN', homes: [{ name: 'a', nat: 'eim' }, { name: 'b', nat: 'symmetric' }], host: 'a', joiner: 'b', connection: 'turn' },
]

test('across networks: link opened to the first post from a peer, per topology', async () => {
  const figures = []
  for (const t of TOPOLOGIES) {
    net = await Topology.create({ homes: t.homes })
    const turn = await net.startCoturn()
    const roda = await net.startRoda({ env: turnEnv(turn) })
    const host = await newPage(await launch(net, t.host))
    await host.goto(roda.url)
    await onboard(host, 'ana')
    const link = await createRoom(host, 'join across networks')
    await send(host, 'welcome!')
    const joinerBrowser = await launch(net, t.joiner)
    const times: number[] = []
    const paths = new Set<string>()
    for (let i = 0; i < JOINS; i++) {
      const page = await newPage(joinerBrowser)
      const t0 = Date.now()
      await page.goto(link)
      await onboard(page, `guest ${i}`)
      await message(page, 'welcome!').waitFor({ timeout: 60_000 })
      times.push(Date.now() - t0)
      const row = page.getByTestId('peer').filter({ hasText: 'ana' })
      await expect(row).toHaveAttribute('data-connection', t.connection, { timeout: 30_000 })
      paths.add((await row.getAttribute('data-path')) ?? '')
      await page.context().close()
    }
    console.log(t.label, { times, paths: [...paths] })
    figures.push(
      { label: `${t.label}: link opened to first post rendered, median (paths: ${[...paths].join(', ')})`, value: round(median(times), 0), unit: 'ms', samples: times.length },
      { label: `${t.label}: link opened to first post rendered, p99`, value: round(percentile(times, 99), 0), unit: 'ms', samples: times.length },
    )
    await net.close()
    net = undefined
  }
  record('Across networks: joining (name typed by the test, first post from the peer rendered)', figures)
})

test('across networks: post latency over TURN next to a direct path, same sender, same run', async () => {
  // Ana and Bruno behind endpoint-independent NATs (direct), Caio behind a symmetric one (TURN).
  net = await Topology.create({ homes: [{ name: 'a', nat: 'eim' }, { name: 'b', nat: 'eim' }, { name: 'c', nat: 'symmetric' }] })
  const turn = await net.startCoturn()
  const roda = await net.startRoda({ env: turnEnv(turn) })
  const [ana, bruno, caio] = await Promise.all(['a', 'b', 'c'].map(async (d) => newPage(await launch(net!, d))))
  await ana!.goto(roda.url)
  await onboard(ana!, 'ana')
  const link = await createRoom(ana!, 'latency across networks')
  for (const [page, name] of [[bruno!, 'bruno'], [caio!, 'caio']] as const) {
    await page.goto(link)
    await onboard(page, name)
  }
  const anaRow = (p: Page) => p.getByTestId('peer').filter({ hasText: 'ana' })
  await expect(anaRow(bruno!)).toHaveAttribute('data-connection', 'direct', { timeout: 60_000 })
  await expect(anaRow(caio!)).toHaveAttribute('data-connection', 'turn', { timeout: 60_000 })
  const directPath = await anaRow(bruno!).getAttribute('data-path')
  const turnPath = await anaRow(caio!).getAttribute('data-path')
  await ana!.waitForTimeout(2_000)

  await watchArrivals(bruno!, 'lat')
  await watchArrivals(caio!, 'lat')
  const room = await ana!.locator('main.room').getAttribute('data-room-id')
  await ana!.evaluate(
    async ({ roomHex, n, gap }) => {
      for (let i = 0; i < n; i++) {
        await window.roda!.chat.send(roomHex!, `lat${i}:${performance.timeOrigin + performance.now()}`)
        await new Promise((r) => setTimeout(r, gap))
      }
    },
    { roomHex: room, n: POSTS, gap: GAP_MS },
  )
  const direct = await arrivals(bruno!, 'lat', POSTS)
  const relayed = await arrivals(caio!, 'lat', POSTS)
  console.log({ direct: median(direct), relayed: median(relayed), directPath, turnPath })
  const fig = (label: string, xs: number[], p: number, baseline: number[]) => ({
    label,
    value: round(percentile(xs, p), 2),
    unit: 'ms',
    samples: xs.length,
    baseline: { label: `direct (${directPath}) p${p}`, value: round(percentile(baseline, p), 2) },
  })
  record('Across networks: post latency, send to rendered, a post every 100 ms', [
    fig(`through TURN (${turnPath}), p50`, relayed, 50, direct),
    fig(`through TURN (${turnPath}), p99`, relayed, 99, direct),
  ])
})
