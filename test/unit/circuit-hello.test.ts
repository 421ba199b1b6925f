// /roda/hello/1.0.0 over an in-memory stream pair: what one side writes is what the other reads,
// and a sender that breaks the bounds gets no more than the bounds.
import { describe, expect, it } from 'vitest'
import { lpStream, streamPair } from '@libp2p/utils'
import { MAX_HELLO_FRAMES, readHelloFrames, writeHelloFrames } from '../../src/core/net/circuit-hello.ts'
import { MAX_FRAME_BYTES } from '../../src/core/wire/limits.ts'

const frame = (n: number, size = 100) => new Uint8Array(size).fill(n)
const soon = () => AbortSignal.timeout(2_000)

describe('circuit hellos', () => {
  it('hands over every frame, in order, and ends when the sender closes', async () => {
    const [a, b] = await streamPair()
    const sent = [frame(1), frame(2, 300)]
    const [, got] = await Promise.all([writeHelloFrames(a, sent, soon()), readHelloFrames(b, soon())])
    expect(got).toEqual(sent)
  })

  it('sends at most MAX_HELLO_FRAMES frames', async () => {
    const [a, b] = await streamPair()
    const sent = Array.from({ length: MAX_HELLO_FRAMES + 3 }, (_, i) => frame(i))
    const [, got] = await Promise.all([writeHelloFrames(a, sent, soon()), readHelloFrames(b, soon())])
    expect(got).toEqual(sent.slice(0, MAX_HELLO_FRAMES))
  })

  it('reads no more than MAX_HELLO_FRAMES from a sender that keeps going, and drops the stream', async () => {
    const [a, b] = await streamPair()
    const lp = lpStream(a)
    const writing = (async () => {
      for (let i = 0; i < MAX_HELLO_FRAMES + 5; i++) await lp.write(frame(i))
    })().catch(() => 'aborted')
    const got = await readHelloFrames(b, soon())
    expect(got).toHaveLength(MAX_HELLO_FRAMES)
    expect(b.status).not.toBe('open')
    await writing
  })

  it('refuses a frame larger than any sealed frame can be', async () => {
    const [a, b] = await streamPair()
    const lp = lpStream(a, { maxDataLength: MAX_FRAME_BYTES * 2 })
    void lp.write(frame(1, MAX_FRAME_BYTES + 1)).catch(() => {})
    expect(await readHelloFrames(b, soon())).toEqual([])
  })

  it('gives up on a sender that goes silent', async () => {
    const [a, b] = await streamPair()
    void lpStream(a).write(frame(7)).catch(() => {})
    const started = Date.now()
    const got = await readHelloFrames(b, AbortSignal.timeout(300))
    expect(got).toEqual([frame(7)])
    expect(Date.now() - started).toBeLessThan(2_000)
  })
})
