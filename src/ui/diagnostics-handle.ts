import type { Chat } from '../core/chat/chat.ts'
import { hexToBytes } from '../core/bytes.ts'
import { loadEngine, type Engine } from '../core/chat/engine-loader.ts'

declare global {
  interface Window {
    roda?: RodaHandle
  }
}

/**
 * A handle on `window.roda` for the console and for tests: counters, peers, and a way to put
 * raw frames on the wire, so a test can play a malicious member and check that other devices
 * refuse what it sends. It grants nothing devtools would not: the page is the user's own.
 */
export interface RodaHandle {
  chat: Chat
  peerId(): string | undefined
  rejections(): Record<string, number>
  /** Completed history-sync sessions, newest last: bytes, turns, posts moved. */
  syncLog(): Chat["syncLog"]
  /** Encrypts an envelope for a room and publishes it as is, with no checks. */
  injectEnvelope(roomId: string, envelope: Uint8Array): Promise<number>
  /** Wire encoders; filled in once the engine chunk has loaded (shortly after the first paint). */
  wire: { encodePayload: Engine['encodePayload']; encodeEnvelope: Engine['encodeEnvelope']; hexToBytes: typeof hexToBytes }
}

export function exposeDiagnostics(chat: Chat): void {
  const handle: RodaHandle = {
    chat,
    peerId: () => chat.network?.peerId,
    rejections: () => ({ ...chat.rejections.value }) as Record<string, number>,
    syncLog: () => [...chat.syncLog],
    async injectEnvelope(roomId, envelope) {
      const ch = chat.channel(roomId)
      if (!ch || !chat.network) throw new Error('room not open or network not up')
      const { sealFrame } = await loadEngine()
      return chat.network.publish(ch.keys.topic, sealFrame(ch.keys, envelope))
    },
    wire: { encodePayload: unavailable, encodeEnvelope: unavailable, hexToBytes },
  }
  window.roda = handle
  void loadEngine().then(({ encodePayload, encodeEnvelope }) => {
    handle.wire = { encodePayload, encodeEnvelope, hexToBytes }
  })
}

function unavailable(): never {
  throw new Error('the engine chunk has not loaded yet')
}
