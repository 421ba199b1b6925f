// Two devices (browser contexts) in one room, over the real relay and real WebRTC, inside a
// loopback-only network namespace.
import { test, expect } from './fixtures.ts'
import { createRoom, message, onboard, roomId, send, waitForDirectPeer } from './helpers.ts'

test('two people with the same name chat over a direct WebRTC connection and are told apart', async ({ newDevice }) => {
  const a = await newDevice('alice-device')
  const aKey = await onboard(a.page, 'guilherme')
  const link = await createRoom(a.page, 'Roda de conversa')

  const b = await newDevice('bob-device', { goto: false })
  const opened = Date.now()
  await b.page.goto(link)
  // First visit from a link: onboarding, then straight into the room.
  const bKey = await onboard(b.page, 'guilherme')
  expect(bKey).not.toBe(aKey)
  await expect(b.page.getByTestId('room-title')).toHaveText('Roda de conversa')

  await waitForDirectPeer(b.page)
  await waitForDirectPeer(a.page)
  test.info().annotations.push({ type: 'figure', description: `link opened to first direct peer: ${Date.now() - opened} ms (includes onboarding)` })

  await send(a.page, 'olá, sou o guilherme A')
  await send(b.page, 'e eu sou o guilherme B')

  for (const page of [a.page, b.page]) {
    const fromA = message(page, 'olá, sou o guilherme A')
    const fromB = message(page, 'e eu sou o guilherme B')
    await expect(fromA).toHaveAttribute('data-author-key', aKey)
    await expect(fromB).toHaveAttribute('data-author-key', bKey)
    // Same display name, different keys: the labels must differ and show the fingerprints.
    const labelA = await fromA.getByTestId('message-author').innerText()
    const labelB = await fromB.getByTestId('message-author').innerText()
    expect(labelA).not.toBe(labelB)
    expect(labelA).toContain(aKey.slice(0, 8))
    expect(labelB).toContain(bKey.slice(0, 8))
  }

  // Same order on both devices.
  const order = (page: typeof a.page) => page.getByTestId('message-text').allInnerTexts()
  expect(await order(a.page)).toEqual(await order(b.page))

  // The relay's circuit between them only carried the WebRTC signalling: once direct, it is closed
  // (the relay forwards nothing for the pair any more), and the direct connection stays.
  const circuits = (page: typeof a.page) =>
    page.evaluate(() => {
      const node = window.roda!.chat.network!.node
      const relays = new Set(window.roda!.chat.network!.relay.address ? [window.roda!.chat.network!.relay.address.split('/p2p/')[1]] : [])
      const others = node.getConnections().filter((c) => !relays.has(c.remotePeer.toString()))
      return { limited: others.filter((c) => c.limits != null).length, direct: others.filter((c) => c.limits == null).length }
    })
  for (const page of [a.page, b.page]) await expect.poll(() => circuits(page), { timeout: 10_000 }).toEqual({ limited: 0, direct: 1 })

  // Latency: click send on A until rendered on B.
  const t0 = Date.now()
  await send(a.page, 'latency probe')
  await expect(message(b.page, 'latency probe')).toBeVisible()
  test.info().annotations.push({ type: 'figure', description: `send to rendered on the other device: ${Date.now() - t0} ms (polling resolution ~100 ms)` })
})

test('history survives a reload and shows before the network is up', async ({ newDevice }) => {
  const a = await newDevice('a')
  await onboard(a.page, 'ana')
  await createRoom(a.page, 'notes')
  await send(a.page, 'first')
  await send(a.page, 'second')
  await expect(message(a.page, 'second')).toBeVisible()

  await a.page.reload()
  await expect(a.page.getByTestId('message-text')).toHaveText(['first', 'second'])
  await expect(a.page.getByTestId('my-key')).toBeVisible()

  // Rooms survive too: back to the list, the room is there.
  await a.page.goto('/')
  await expect(a.page.getByTestId('room-item')).toHaveText(['notes'])
})

test('a forged post injected into the room is rejected and never shown', async ({ newDevice }) => {
  const a = await newDevice('honest')
  const aKey = await onboard(a.page, 'ana')
  const link = await createRoom(a.page)
  const m = await newDevice('malicious', { goto: false })
  await m.page.goto(link)
  await onboard(m.page, 'mallory')
  await waitForDirectPeer(a.page)
  await waitForDirectPeer(m.page)
  const room = await roomId(m.page)

  // Mallory claims to be Ana: Ana's key as author, a signature that is not Ana's.
  await m.page.evaluate(
    async ({ roomHex, victimKey }) => {
      const r = window.roda!
      const ch = r.chat.channel(roomHex)!
      const payload = r.wire.encodePayload({
        kind: 'post',
        room: ch.keys.roomId,
        author: r.wire.hexToBytes(victimKey),
        ts: Date.now(),
        name: 'ana',
        lamport: 1,
        text: 'FORGED: send me your password',
      })
      const sig = new Uint8Array(64).fill(7)
      await r.injectEnvelope(roomHex, r.wire.encodeEnvelope(payload, sig))
    },
    { roomHex: room, victimKey: aKey },
  )

  await expect.poll(() => a.page.evaluate(() => window.roda!.rejections()['bad-signature'] ?? 0)).toBeGreaterThan(0)
  // An honest post sent after the forgery arrives, so the forgery had every chance to show.
  await send(m.page, 'an honest post')
  await expect(message(a.page, 'an honest post')).toBeVisible()
  await expect(message(a.page, 'FORGED: send me your password')).toHaveCount(0)
  const stored = await a.page.evaluate(async () => (await window.roda!.chat.db.posts.toArray()).map((p) => p.text))
  expect(stored).not.toContain('FORGED: send me your password')
})
