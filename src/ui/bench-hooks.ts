import type { Chat } from '../core/chat/chat.ts'
import { generateIdentity, sign, signWithNoble } from '../core/identity/identity.ts'
import { verifyWithNoble, verifyWithWebCrypto } from '../core/identity/verify.ts'
import { signPayload } from '../core/wire/envelope.ts'
import { sealFrame } from '../core/wire/frame.ts'

declare global {
  interface Window {
    rodaBench?: BenchHooks
  }
}

/**
 * What `npm run bench` drives inside a page: the crypto primitives, and a way to prepare signed
 * frames ahead of time so a receiver's throughput is measured without the sender's signing in
 * the way. Loaded with the network chunk, never before the first paint.
 */
export interface BenchHooks {
  generateIdentity: typeof generateIdentity
  sign: typeof sign
  signWithNoble: typeof signWithNoble
  verifyWithNoble: typeof verifyWithNoble
  verifyWithWebCrypto: typeof verifyWithWebCrypto
  /** Signs `n` posts as this device into the room and keeps their frames in the page. */
  presign(roomId: string, n: number, prefix: string): Promise<number>
  /** Publishes the prepared frames as fast as gossipsub takes them. */
  publishPresigned(): Promise<number>
}

export function installBenchHooks(chat: Chat): void {
  let frames: Array<{ topic: string; frame: Uint8Array }> = []
  window.rodaBench = {
    generateIdentity,
    sign,
    signWithNoble,
    verifyWithNoble,
    verifyWithWebCrypto,
    async presign(roomId, n, prefix) {
      const ch = chat.channel(roomId)
      const me = chat.currentIdentity()
      if (!ch || !me) throw new Error('room not open or no identity')
      const base = ch.index.size + 1
      frames = await Promise.all(
        Array.from({ length: n }, async (_, i) => {
          const s = await signPayload(me, { kind: 'post', room: ch.keys.roomId, author: me.publicKey, ts: Date.now(), name: me.name, lamport: base + i, text: `${prefix}${i}` })
          return { topic: ch.keys.topic, frame: sealFrame(ch.keys, s.envelope) }
        }),
      )
      return frames.length
    },
    async publishPresigned() {
      const net = chat.network
      if (!net) throw new Error('network not up')
      const t0 = performance.now()
      await Promise.all(frames.map((f) => net.publish(f.topic, f.frame)))
      return performance.now() - t0
    },
  }
}
