// A bare RTCPeerConnection per page, signalled by the test through page.evaluate: the baseline
// that tells whether a network path works at all, independently of the app.
//
// Signalling is not trickled: each side waits for ICE gathering to complete and hands over a
// description that already holds all its candidates. Which pair ICE selects does not depend on
// it, and the test needs no candidate relay loop.
import type { Page } from '@playwright/test'

export interface CandidateInfo {
  /** host, srflx, prflx or relay */
  type: string
  address: string | null
  port: number | null
  protocol: string | null
  /** For a relay candidate: how the browser reaches the TURN server (udp, tcp, tls). */
  relayProtocol: string | null
}

export interface SelectedPath {
  local: CandidateInfo
  remote: CandidateInfo
  /** The pair's state and nomination, as getStats() reports them. */
  pairState: string
  nominated: boolean
}

export interface ConnectResult {
  /** connectionState of each side when it settled ('connected' or 'failed') or the deadline passed. */
  offerer: RTCPeerConnectionState
  answerer: RTCPeerConnectionState
  /** Candidate types each side gathered, e.g. { host: 1, srflx: 1, relay: 2 }. */
  gathered: { offerer: Record<string, number>; answerer: Record<string, number> }
  /** Milliseconds from the offer's creation until both sides settled. */
  ms: number
}

interface RawPeerApi {
  offer(gatherTimeoutMs: number): Promise<RTCSessionDescriptionInit>
  answer(offer: RTCSessionDescriptionInit, gatherTimeoutMs: number): Promise<RTCSessionDescriptionInit>
  accept(answer: RTCSessionDescriptionInit): Promise<void>
  settle(timeoutMs: number): Promise<RTCPeerConnectionState>
  send(text: string, timeoutMs: number): Promise<void>
  received(): string[]
  path(): Promise<SelectedPath | null>
  close(): void
}

type RawWindow = Window & { rawPeer?: RawPeerApi }

/** Runs in the page: one RTCPeerConnection and its data channel behind window.rawPeer. */
function installRawPeer(iceServers: RTCIceServer[]): void {
  const pc = new RTCPeerConnection({ iceServers })
  const received: string[] = []
  let channel: RTCDataChannel | undefined
  const listen = (ch: RTCDataChannel) => {
    channel = ch
    ch.onmessage = (e) => received.push(String(e.data))
  }
  pc.ondatachannel = (e) => listen(e.channel)

  const gathered = (timeoutMs: number) => new Promise<void>((resolve, reject) => {
    if (pc.iceGatheringState === 'complete') return resolve()
    const timer = setTimeout(() => reject(new Error(`ICE gathering not complete after ${timeoutMs} ms`)), timeoutMs)
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState !== 'complete') return
      clearTimeout(timer)
      resolve()
    })
  })

  const candidate = (report: Record<string, unknown> | undefined) => ({
    type: String(report?.candidateType ?? 'unknown'),
    address: (report?.address as string | undefined) ?? null,
    port: (report?.port as number | undefined) ?? null,
    protocol: (report?.protocol as string | undefined) ?? null,
    relayProtocol: (report?.relayProtocol as string | undefined) ?? null,
  })

  const api: RawPeerApi = {
    async offer(gatherTimeoutMs) {
      listen(pc.createDataChannel('probe'))
      await pc.setLocalDescription()
      await gathered(gatherTimeoutMs)
      return pc.localDescription!.toJSON()
    },
    async answer(offer, gatherTimeoutMs) {
      await pc.setRemoteDescription(offer)
      await pc.setLocalDescription()
      await gathered(gatherTimeoutMs)
      return pc.localDescription!.toJSON()
    },
    async accept(answer) {
      await pc.setRemoteDescription(answer)
    },
    settle(timeoutMs) {
      return new Promise((resolve) => {
        const done = () => pc.connectionState === 'connected' || pc.connectionState === 'failed'
        if (done()) return resolve(pc.connectionState)
        const timer = setTimeout(() => resolve(pc.connectionState), timeoutMs)
        pc.addEventListener('connectionstatechange', () => {
          if (!done()) return
          clearTimeout(timer)
          resolve(pc.connectionState)
        })
      })
    },
    async send(text, timeoutMs) {
      const deadline = Date.now() + timeoutMs
      while (channel?.readyState !== 'open') {
        if (Date.now() > deadline) throw new Error(`data channel not open after ${timeoutMs} ms (${channel?.readyState ?? 'none'})`)
        await new Promise((r) => setTimeout(r, 20))
      }
      channel.send(text)
    },
    received: () => [...received],
    async path() {
      const stats = await pc.getStats()
      const reports = new Map<string, Record<string, unknown>>()
      stats.forEach((r: Record<string, unknown>) => reports.set(r.id as string, r))
      let pairId: string | undefined
      for (const r of reports.values()) {
        if (r.type === 'transport' && typeof r.selectedCandidatePairId === 'string') pairId = r.selectedCandidatePairId
      }
      // Older stats without selectedCandidatePairId: the nominated pair that succeeded.
      if (!pairId) {
        for (const r of reports.values()) {
          if (r.type === 'candidate-pair' && r.nominated === true && r.state === 'succeeded') pairId = r.id as string
        }
      }
      const pair = pairId ? reports.get(pairId) : undefined
      if (!pair) return null
      return {
        local: candidate(reports.get(pair.localCandidateId as string)),
        remote: candidate(reports.get(pair.remoteCandidateId as string)),
        pairState: String(pair.state),
        nominated: pair.nominated === true,
      }
    },
    close: () => pc.close(),
  }
  ;(window as RawWindow).rawPeer = api
}

function peer(page: Page) {
  return {
    offer: (ms: number) => page.evaluate((t) => (window as RawWindow).rawPeer!.offer(t), ms),
    answer: (o: RTCSessionDescriptionInit, ms: number) => page.evaluate(([d, t]) => (window as RawWindow).rawPeer!.answer(d, t), [o, ms] as const),
    accept: (a: RTCSessionDescriptionInit) => page.evaluate((d) => (window as RawWindow).rawPeer!.accept(d), a),
    settle: (ms: number) => page.evaluate((t) => (window as RawWindow).rawPeer!.settle(t), ms),
  }
}

function candidateTypes(sdp: string | undefined): Record<string, number> {
  const counts: Record<string, number> = {}
  for (const m of (sdp ?? '').matchAll(/^a=candidate:.* typ (\w+)/gm)) counts[m[1]!] = (counts[m[1]!] ?? 0) + 1
  return counts
}

/** Creates the RTCPeerConnection on a page (any page will do, about:blank included). */
export async function openRawPeer(page: Page, iceServers: RTCIceServer[]): Promise<void> {
  await page.evaluate(installRawPeer, iceServers)
}

/**
 * Offer from `offerer`, answer from `answerer`, then waits until both connect or fail or
 * `timeoutMs` passes. Does not throw on failure: the result says what happened.
 */
export async function connectRawPeers(offerer: Page, answerer: Page, { timeoutMs = 30_000, gatherTimeoutMs = 10_000 } = {}): Promise<ConnectResult> {
  const started = Date.now()
  const a = peer(offerer)
  const b = peer(answerer)
  const offer = await a.offer(gatherTimeoutMs)
  const answer = await b.answer(offer, gatherTimeoutMs)
  await a.accept(answer)
  const left = Math.max(0, timeoutMs - (Date.now() - started))
  const [offererState, answererState] = await Promise.all([a.settle(left), b.settle(left)])
  return {
    offerer: offererState,
    answerer: answererState,
    gathered: { offerer: candidateTypes(offer.sdp), answerer: candidateTypes(answer.sdp) },
    ms: Date.now() - started,
  }
}

/** Sends `text` over the data channel once it is open. */
export async function sendRaw(page: Page, text: string, timeoutMs = 10_000): Promise<void> {
  await page.evaluate(([t, ms]) => (window as RawWindow).rawPeer!.send(t, ms), [text, timeoutMs] as const)
}

export function receivedRaw(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as RawWindow).rawPeer!.received())
}

/** The selected candidate pair (transport's selectedCandidatePairId), or null before there is one. */
export function selectedPath(page: Page): Promise<SelectedPath | null> {
  return page.evaluate(() => (window as RawWindow).rawPeer!.path())
}

export async function closeRawPeer(page: Page): Promise<void> {
  await page.evaluate(() => (window as RawWindow).rawPeer?.close())
}

/** "host 192.168.1.2:5000 -> srflx 198.51.100.12:6000", for messages and logs. */
export function describePath(path: SelectedPath | null): string {
  if (!path) return 'no selected pair'
  const end = (c: CandidateInfo) => `${c.type}${c.type === 'relay' && c.relayProtocol ? `/${c.relayProtocol}` : ''} ${c.address ?? '?'}:${c.port ?? '?'}`
  return `${end(path.local)} -> ${end(path.remote)}`
}
