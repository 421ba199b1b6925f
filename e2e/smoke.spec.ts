// Smoke test of the test set-up itself: the app is served, its runtime config points at the
// relay, and Chromium inside the loopback-only namespace can reach the relay over WebSocket and
// make a WebRTC connection over loopback (the flags in fixtures.ts).
import { test, expect, relayWebSocketUrl } from './fixtures.ts'

test('the app page loads without uncaught errors', async ({ newDevice }) => {
  const device = await newDevice('alice', { goto: false })
  const response = await device.page.goto('/')
  expect(response?.status()).toBe(200)
  expect(response?.headers()['content-type']).toContain('text/html')
  await device.page.waitForLoadState('load')
  const uncaught = device.errors.filter((e) => e.startsWith('uncaught:') || e === 'page crashed')
  expect(uncaught).toEqual([])
})

test('/roda-config.json lists the running relay', async ({ request }) => {
  const response = await request.get('/roda-config.json')
  expect(response.status()).toBe(200)
  expect(response.headers()['cache-control']).toBe('no-cache')
  expect(response.headers()['content-type']).toContain('application/json')
  const config = (await response.json()) as { relays: string[] }
  expect(config.relays.length).toBeGreaterThan(0)
  for (const relay of config.relays) {
    expect(relay).toMatch(/^\/ip[46]\/[^/]+\/tcp\/\d+\/ws\/p2p\/\w+$/)
    expect(relay).toContain('/ws/p2p/')
  }
})

test('a page reaches the relay over WebSocket', async ({ newDevice, request }) => {
  const config = (await (await request.get('/roda-config.json')).json()) as { relays: string[] }
  const url = relayWebSocketUrl(config.relays[0] ?? '')
  const { page } = await newDevice('alice')
  const outcome = await page.evaluate((wsUrl) => new Promise<string>((resolve) => {
    const ws = new WebSocket(wsUrl)
    const timer = setTimeout(() => resolve('timeout'), 10_000)
    ws.onopen = () => { clearTimeout(timer); ws.close(); resolve('open') }
    ws.onerror = () => { clearTimeout(timer); resolve('error') }
  }), url)
  expect(outcome, `WebSocket to ${url}`).toBe('open')
})

test('Chromium makes a WebRTC connection over loopback', async ({ newDevice }) => {
  const { page } = await newDevice('alice')
  // Two RTCPeerConnections in one page with no ICE servers: only host candidates, so this
  // passes only with --allow-loopback-in-peer-connection and media permission (docs/TESTING.md).
  const result = await page.evaluate(async () => {
    const a = new RTCPeerConnection({ iceServers: [] })
    const b = new RTCPeerConnection({ iceServers: [] })
    const candidates: string[] = []
    a.onicecandidate = (e) => { if (e.candidate) { candidates.push(e.candidate.candidate); void b.addIceCandidate(e.candidate) } }
    b.onicecandidate = (e) => { if (e.candidate) void a.addIceCandidate(e.candidate) }
    const received = new Promise<string>((resolve) => {
      b.ondatachannel = (e) => { e.channel.onmessage = (m) => resolve(String(m.data)) }
    })
    const channel = a.createDataChannel('smoke')
    channel.onopen = () => channel.send('hello over loopback')
    await a.setLocalDescription()
    await b.setRemoteDescription(a.localDescription!)
    await b.setLocalDescription()
    await a.setRemoteDescription(b.localDescription!)
    const message = await Promise.race([
      received,
      new Promise<string>((resolve) => setTimeout(() => resolve('timeout'), 10_000)),
    ])
    const state = a.connectionState
    a.close()
    b.close()
    return { message, state, candidates }
  })
  expect(result.message, `candidates: ${result.candidates.join(' | ') || 'none'}`).toBe('hello over loopback')
  expect(result.state).toBe('connected')
  expect(result.candidates.some((c) => c.includes('127.0.0.1'))).toBe(true)
})
