// Joining: from opening a room link in a fresh context (a new device) to the first direct
// WebRTC peer, and to the first post from that peer rendered. Onboarding is done by the test
// as fast as it can, and the figures are also given from the moment the name is saved.
import '../scripts/polyfill.mjs'
import { test } from '../e2e/fixtures.ts'
import { createRoom, message, onboard, send, waitForDirectPeer } from '../e2e/helpers.ts'
import { median, percentile, record, round } from './results.ts'

const RUNS = 15

test('join: link opened to first direct peer and first post rendered', async ({ newDevice }) => {
  const host = await newDevice('host')
  await onboard(host.page, 'ana')
  const link = await createRoom(host.page, 'join bench')
  await send(host.page, 'welcome!')

  const toPeer: number[] = []
  const toPost: number[] = []
  const namedToPeer: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const d = await newDevice(`joiner-${i}`, { goto: false })
    const t0 = Date.now()
    await d.page.goto(link)
    await onboard(d.page, `guest ${i}`)
    const named = Date.now()
    await Promise.all([
      waitForDirectPeer(d.page).then(() => toPeer.push(Date.now() - t0)),
      message(d.page, 'welcome!').waitFor().then(() => toPost.push(Date.now() - t0)),
    ])
    namedToPeer.push(toPeer.at(-1)! - (named - t0))
    await d.context.close()
  }
  const fig = (label: string, xs: number[], target?: string) => [
    { label: `${label}, median`, value: round(median(xs), 0), unit: 'ms', samples: xs.length, ...(target ? { target } : {}) },
    { label: `${label}, p99`, value: round(percentile(xs, 99), 0), unit: 'ms', samples: xs.length },
  ]
  record('Joining a room from its link', [
    ...fig('link opened to first direct peer', toPeer, '≤ 1,500 ms'),
    ...fig('name saved to first direct peer', namedToPeer),
    ...fig('link opened to first post from that peer rendered', toPost),
  ])
  console.log({ toPeer, namedToPeer, toPost })
})
