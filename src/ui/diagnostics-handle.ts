import type { Chat } from '../core/chat/chat.ts'
import { sealFrame } from '../core/wire/frame.ts'
import { encodeEnvelope } from '../core/wire/envelope.ts'
import { encodePayload } from '../core/wire/payload.ts'
import { hexToBytes } from '../core/bytes.ts'

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
  wire: { encodePayload: typeof encodePayload; encodeEnvelope: typeof encodeEnvelope; hexToBytes: typeof hexToBytes }
}

export function exposeDiagnostics(chat: Chat): void {
  window.roda = {
    chat,
    peerId: () => chat.network?.peerId,
    rejections: () => ({ ...chat.rejections.value }) as Record<string, number>,
    syncLog: () => [...chat.syncLog],
    async injectEnvelope(roomId, envelope) {
      const ch = chat.channel(roomId)
      if (!ch || !chat.network) throw new Error('room not open or network not up')
      return chat.network.publish(ch.keys.topic, sealFrame(ch.keys, envelope))
    },
    wire: { encodePayload, encodeEnvelope, hexToBytes },
  }
}
