// One-way latency between two devices, next to two baselines measured between the same two
// pages in the same run: a raw RTCDataChannel, and a bare gossipsub publish on the app's own
// libp2p node (no signing, encryption, storage or rendering).
import '../scripts/polyfill.mjs'
import type { Page } from '@playwright/test'
import { expect, test } from '../e2e/fixtures.ts'
import type { Pair } from '../e2e/helpers.ts'
import { arrivals, pairInRoom, watchArrivals } from './pages.ts'
import { median, percentile, record, round } from './results.ts'

const N = 200
// Two paces, each with its own baselines. In a chat people write seconds apart: at 100 ms
// apart, each post still meets two devices that are done with the one before (drawn within a
// frame, stored within 50 ms), which is what someone in a room feels. At 15 ms apart (66 posts
// a second), each post also pays for drawing and storing the ones before it, on the two cores
// that both "devices" share here (their own phones would not share them).
const PACES = [
  { gap: 100, label: 'a post every 100 ms' },
  { gap: 15, label: 'a post every 15 ms' },
]
// The three measurements take turns, N / ROUNDS messages at a time, so a slow patch of the
// machine (these figures are noisy) weighs on all three alike.
const ROUNDS = 4
// Runs from scratch, each with a fresh pair of devices. Figures move by 10-20 % from one run to
// the next on these machines (more than within a run), so each pace reports its median run,
// with every run's ratio beside it; a ratio is only ever taken within one run.
const RUNS = 3
const TOPIC = 'bench/bare-gossip'

type Samples = { raw: number[]; gossip: number[]; app: number[] }

test('latency: post vs bare gossipsub vs raw RTCDataChannel', async ({ newDevice }) => {
  const runs: Samples[][] = []
  let pair: Pair | undefined
  for (let run = 0; run < RUNS; run++) {
    // Only the pair being measured is open: the others' nodes would take CPU from it.
    if (pair) await Promise.all([pair.a.context.close(), pair.b.context.close()])
    pair = await pairInRoom(newDevice)
    runs.push(await measure(pair))
  }

  const figures = []
  for (const [i, pace] of PACES.entries()) {
    const at = `, ${pace.label}`
    const ratio = (r: Samples[]) => median(r[i]!.app) / median(r[i]!.gossip)
    const byRatio = [...runs].sort((x, y) => ratio(x) - ratio(y))
    const { raw, gossip, app } = byRatio[(RUNS - 1) >> 1]![i]!
    const fig = (label: string, xs: number[], p: number, baseline?: { label: string; xs: number[] }, target?: string) => ({
      label,
      value: round(percentile(xs, p), 2),
      unit: 'ms',
      samples: xs.length,
      ...(baseline ? { baseline: { label: baseline.label, value: round(percentile(baseline.xs, p), 2) } } : {}),
      ...(target ? { target } : {}),
    })
    figures.push(
      {
        label: `post p50 ÷ bare gossipsub p50${at}, each run: ${runs.map((r) => `×${ratio(r).toFixed(2)}`).join(', ')}; median`,
        value: round(ratio(byRatio[(RUNS - 1) >> 1]!), 2),
        unit: '×',
        target: '≤ 2×',
      },
      fig(`post, send to rendered, p50${at}`, app, 50, { label: 'bare gossipsub p50', xs: gossip }),
      fig(`post, send to rendered, p99${at}`, app, 99, { label: 'bare gossipsub p99', xs: gossip }, '< 50 ms'),
      fig(`bare gossipsub publish, p50${at}`, gossip, 50, { label: 'raw RTCDataChannel p50', xs: raw }),
      fig(`bare gossipsub publish, p99${at}`, gossip, 99, { label: 'raw RTCDataChannel p99', xs: raw }),
      fig(`raw RTCDataChannel, p50${at}`, raw, 50),
      fig(`raw RTCDataChannel, p99${at}`, raw, 99),
    )
  }
  record(`Latency (one-way, 2 devices, the median of ${RUNS} runs)`, figures)

  const { a, b, room } = pair!
  await instrumentStages(a.page, b.page, room, TOPIC)
  for (const pace of PACES) await whereTheTimeGoes(a.page, b.page, room, TOPIC, pace.gap)
})

/** One run on a fresh pair: each pace's samples, raw channel, bare gossipsub and posts. */
async function measure({ a, b, room }: Pair): Promise<Samples[]> {
  // Isolated pages read the clock in microseconds; others only to a tenth of a millisecond,
  // too coarse for figures of one or two milliseconds (vite.config.ts sends the headers).
  expect(await b.page.evaluate(() => crossOriginIsolated), 'the app must be served cross-origin isolated').toBe(true)

  // Raw RTCDataChannel between the same two pages, signalled through the test runner.
  const rawB = await b.page.evaluate(() => {
    const w = window as unknown as { __pc: RTCPeerConnection; __raw: number[] }
    w.__raw = []
    w.__pc = new RTCPeerConnection({ iceServers: [] })
    w.__pc.ondatachannel = (e) => {
      e.channel.onmessage = (m) => w.__raw.push(performance.timeOrigin + performance.now() - Number(m.data))
    }
    return true
  })
  void rawB
  const offer = await a.page.evaluate(async () => {
    const w = window as unknown as { __pc: RTCPeerConnection; __dc: RTCDataChannel }
    w.__pc = new RTCPeerConnection({ iceServers: [] })
    w.__dc = w.__pc.createDataChannel('bench')
    await w.__pc.setLocalDescription(await w.__pc.createOffer())
    await new Promise<void>((r) => (w.__pc.iceGatheringState === 'complete' ? r() : w.__pc.addEventListener('icegatheringstatechange', () => w.__pc.iceGatheringState === 'complete' && r())))
    return w.__pc.localDescription!.toJSON()
  })
  const answer = await b.page.evaluate(async (o) => {
    const w = window as unknown as { __pc: RTCPeerConnection }
    await w.__pc.setRemoteDescription(o)
    await w.__pc.setLocalDescription(await w.__pc.createAnswer())
    await new Promise<void>((r) => (w.__pc.iceGatheringState === 'complete' ? r() : w.__pc.addEventListener('icegatheringstatechange', () => w.__pc.iceGatheringState === 'complete' && r())))
    return w.__pc.localDescription!.toJSON()
  }, offer)
  await a.page.evaluate(async ({ ans }) => {
    const w = window as unknown as { __pc: RTCPeerConnection; __dc: RTCDataChannel }
    await w.__pc.setRemoteDescription(ans)
    if (w.__dc.readyState !== 'open') await new Promise((r) => w.__dc.addEventListener('open', r, { once: true }))
  }, { ans: answer })
  const sendRaw = (count: number, pause: number) =>
    a.page.evaluate(async ({ n, gap }) => {
      const w = window as unknown as { __dc: RTCDataChannel }
      for (let i = 0; i < n; i++) {
        w.__dc.send(String(performance.timeOrigin + performance.now()))
        await new Promise((r) => setTimeout(r, gap))
      }
    }, { n: count, gap: pause })

  // Bare gossipsub on the app's own node and connection.
  for (const page of [a.page, b.page]) {
    await page.evaluate((topic) => {
      const ps = window.roda!.chat.network!.node.services.pubsub
      const w = window as unknown as { __gossip: number[] }
      w.__gossip = []
      ps.subscribe(topic)
      ps.addEventListener('message', (e) => {
        if (e.detail.topic !== topic) return
        const sentAt = new DataView(e.detail.data.buffer, e.detail.data.byteOffset).getFloat64(0)
        w.__gossip.push(performance.timeOrigin + performance.now() - sentAt)
      })
    }, TOPIC)
  }
  // Wait for the mesh to form on the new topic.
  await a.page.waitForFunction((topic) => window.roda!.chat.network!.node.services.pubsub.getSubscribers(topic).length > 0, TOPIC)
  await a.page.waitForTimeout(1500)
  let sent = 0
  const sendGossip = (count: number, pause: number) =>
    a.page.evaluate(async ({ topic, from, n, gap }) => {
      const ps = window.roda!.chat.network!.node.services.pubsub
      for (let i = from; i < from + n; i++) {
        const data = new Uint8Array(16)
        new DataView(data.buffer).setFloat64(0, performance.timeOrigin + performance.now())
        new DataView(data.buffer).setUint32(8, i)
        await ps.publish(topic, data)
        await new Promise((r) => setTimeout(r, gap))
      }
    }, { topic: TOPIC, from: (sent += count) - count, n: count, gap: pause })

  // The application: sign, encrypt, publish, verify, store, render.
  await watchArrivals(b.page, 'lat')
  let posted = 0
  const sendPosts = (count: number, pause: number) =>
    a.page.evaluate(async ({ roomHex, from, n, gap }) => {
      for (let i = from; i < from + n; i++) {
        await window.roda!.chat.send(roomHex, `lat${i}:${performance.timeOrigin + performance.now()}`)
        await new Promise((r) => setTimeout(r, gap))
      }
    }, { roomHex: room, from: (posted += count) - count, n: count, gap: pause })

  const out: Samples[] = []
  for (const pace of PACES) {
    const from = { raw: await countOf(b.page, '__raw'), gossip: await countOf(b.page, '__gossip'), app: posted }
    for (let turn = 0; turn < ROUNDS; turn++) {
      await sendRaw(N / ROUNDS, pace.gap)
      await sendGossip(N / ROUNDS, pace.gap)
      await sendPosts(N / ROUNDS, pace.gap)
      // The sync that confirms delivery of the posts runs now, not during the next baseline.
      await a.page.waitForTimeout(1500)
    }
    const raw = (await collect(b.page, '__raw', from.raw + N)).slice(from.raw)
    const gossip = (await collect(b.page, '__gossip', from.gossip + N)).slice(from.gossip)
    const app = (await arrivals(b.page, 'lat', from.app + N)).slice(from.app)
    out.push({ raw, gossip, app })
    console.log(`latency p50/p99 ms (${pace.label}): app ${round(median(app), 2)}/${round(percentile(app, 99), 2)}, gossip ${round(median(gossip), 2)}/${round(percentile(gossip, 99), 2)}, raw ${round(median(raw), 2)}/${round(percentile(raw, 99), 2)}`)
  }
  return out
}

function countOf(page: Page, name: '__raw' | '__gossip'): Promise<number> {
  return page.evaluate((n) => (window as unknown as Record<string, number[]>)[n]!.length, name)
}

/** The receiver's list `name` once it holds `count` values (30 s at most: gossip may drop some). */
function collect(page: Page, name: '__raw' | '__gossip', count: number): Promise<number[]> {
  return page.evaluate(
    async ({ n, c }) => {
      const w = window as unknown as Record<string, number[]>
      const until = Date.now() + 30_000
      while (w[n]!.length < c && Date.now() < until) await new Promise((r) => setTimeout(r, 50))
      return w[n]!
    },
    { n: name, c: count },
  )
}

/** Timestamps at each stage of a post's way and of a bare gossipsub message's way (once per page pair). */
async function instrumentStages(sender: Page, receiver: Page, room: string, topic: string): Promise<void> {
  await sender.evaluate(({ roomHex }) => {
    const now = () => performance.timeOrigin + performance.now()
    const s: Record<string, number[]> = { sign0: [], sign1: [], sent: [] }
    ;(window as unknown as { __split: typeof s }).__split = s
    const ch = window.roda!.chat.channel(roomHex)! as unknown as { engine: Record<string, (...a: unknown[]) => Promise<unknown>> }
    const engine = ch.engine
    ch.engine = {
      ...engine,
      signPayload: async (...args: unknown[]) => {
        s.sign0!.push(now())
        const signed = await engine.signPayload!(...args)
        s.sign1!.push(now())
        return signed
      },
    }
    const send = RTCDataChannel.prototype.send
    RTCDataChannel.prototype.send = function (this: RTCDataChannel, data: never) {
      s.sent!.push(now())
      return send.call(this, data)
    }
  }, { roomHex: room })
  await receiver.evaluate(({ roomHex, bare }) => {
    const now = () => performance.timeOrigin + performance.now()
    const s: Record<string, number[]> = { edge: [], verified: [], delivered: [] }
    ;(window as unknown as { __split: typeof s }).__split = s
    const ch = window.roda!.chat.channel(roomHex)! as unknown as { accept: (...a: unknown[]) => Promise<unknown> }
    const accept = ch.accept.bind(ch)
    ch.accept = (...args: unknown[]) => {
      s.edge!.push(now())
      return accept(...args)
    }
    const timeline = window.roda!.chat.channel(roomHex)!.timeline
    const upsert = timeline.upsert.bind(timeline)
    timeline.upsert = (rows, opts) => {
      if (opts?.received) s.verified!.push(now())
      upsert(rows, opts)
    }
    window.roda!.chat.network!.node.services.pubsub.addEventListener('message', (e) => {
      if (e.detail.topic === bare) s.delivered!.push(now())
    })
  }, { roomHex: room, bare: topic })
  await watchArrivals(receiver, 'split')
}

/**
 * The same two pages, instrumented after the figures above were taken: where a post's time
 * goes, stage by stage, next to a bare gossipsub message's, at one pace; to show which part of
 * a post's latency is the application's own work and which is the network stack's.
 */
async function whereTheTimeGoes(sender: Page, receiver: Page, room: string, topic: string, pause: number): Promise<void> {
  const M = 100
  // Each pace starts from empty lists.
  for (const page of [sender, receiver]) {
    await page.evaluate(() => {
      const w = window as unknown as { __split: Record<string, number[]>; __arrivals?: Record<string, number[]> }
      for (const xs of Object.values(w.__split)) xs.length = 0
      if (w.__arrivals?.split) w.__arrivals.split.length = 0
    })
  }

  const started = await sender.evaluate(async ({ roomHex, bare, n, gap }) => {
    const ps = window.roda!.chat.network!.node.services.pubsub
    const out = { gossip: [] as number[], posts: [] as number[] }
    for (let i = 0; i < n; i++) {
      const at = performance.timeOrigin + performance.now()
      out.gossip.push(at)
      // Distinct bytes each time: gossipsub drops a repeated message as already seen.
      const data = new Uint8Array(16)
      new DataView(data.buffer).setFloat64(0, at)
      await ps.publish(bare, data)
      await new Promise((r) => setTimeout(r, gap))
      const t = performance.timeOrigin + performance.now()
      out.posts.push(t)
      await window.roda!.chat.send(roomHex, `split${i}:${t}`)
      await new Promise((r) => setTimeout(r, gap))
    }
    return out
  }, { roomHex: room, bare: topic, n: M, gap: pause })
  const drawn = (await arrivals(receiver, 'split', M)).map((d, i) => started.posts[i]! + d)
  const tx = await sender.evaluate(() => (window as unknown as { __split: Record<string, number[]> }).__split)
  const rx = await receiver.evaluate(() => (window as unknown as { __split: Record<string, number[]> }).__split)
  const after = (xs: number[], t: number) => xs.find((x) => x >= t) ?? NaN
  const stages: Record<string, number[]> = { sign: [], toChannel: [], toEdge: [], validate: [], draw: [], gossipToChannel: [], gossipToApp: [] }
  for (let i = 0; i < M; i++) {
    const g = started.gossip[i]!
    const gSent = after(tx.sent!, g)
    stages.gossipToChannel!.push(gSent - g)
    stages.gossipToApp!.push(after(rx.delivered!, gSent) - gSent)
    const p = started.posts[i]!
    const signed = after(tx.sign1!, p)
    const sent = after(tx.sent!, signed)
    const edge = after(rx.edge!, sent)
    const verified = after(rx.verified!, edge)
    stages.sign!.push(signed - p)
    stages.toChannel!.push(sent - signed)
    stages.toEdge!.push(edge - sent)
    stages.validate!.push(verified - edge)
    stages.draw!.push(drawn[i]! - verified)
  }
  const fig = (label: string, xs: number[], baseline?: { label: string; xs: number[] }) => ({
    label,
    value: round(median(xs.filter(Number.isFinite)), 3),
    unit: 'ms',
    samples: xs.filter(Number.isFinite).length,
    ...(baseline ? { baseline: { label: baseline.label, value: round(median(baseline.xs.filter(Number.isFinite)), 3) } } : {}),
  })
  record(`Latency: where the time goes (2 devices, medians, a post every ${pause} ms)`, [
    fig('post: sign (WebCrypto Ed25519)', stages.sign!),
    fig('post: seal, publish, onto the data channel', stages.toChannel!, { label: 'bare gossipsub: publish, onto the data channel', xs: stages.gossipToChannel! }),
    fig('post: data channel to the app (wire, gossipsub, decrypt)', stages.toEdge!, { label: 'bare gossipsub: data channel to the app', xs: stages.gossipToApp! }),
    fig('post: validate (decode, verify with WebCrypto)', stages.validate!),
    fig('post: verified to on screen (row drawn)', stages.draw!),
  ])
}

