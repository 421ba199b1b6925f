import { lpStream } from '@libp2p/utils'
import type { Connection, PeerId, Stream } from '@libp2p/interface'
import { bytesToHex } from '../bytes.ts'
import {
  encodeSyncMessage,
  initialRanges,
  isAllSkip,
  MAX_FRAMES_PER_POSTS,
  MAX_SYNC_MESSAGE_BYTES,
  MAX_TURNS,
  MAX_WANT_IDS,
  parseSyncMessage,
  processRanges,
  SYNC_PROTOCOL,
  SYNC_READ_TIMEOUT_MS as READ_TIMEOUT_MS,
  SYNC_SESSION_TIMEOUT_MS as SESSION_TIMEOUT_MS,
  type ItemIndex,
  type SyncMessage,
} from '../sync/index.ts'
import type { RodaLibp2p } from './node.ts'
// Room for the CBOR array around the frames of one `posts` message.
const POSTS_OVERHEAD = 64

/** What the sync protocol needs from a room; it never touches storage or validation itself. */
export interface SyncRoom {
  readonly roomId: Uint8Array
  readonly index: ItemIndex
  /** Sealed frames for the posts with these ids that are stored (others are skipped). */
  frames(ids: string[]): Promise<Uint8Array[]>
  /** Passes frames through the same edge validation as gossip, and stores what verifies. */
  receive(frames: Uint8Array[]): Promise<void>
}

export interface SyncResult {
  peer: string
  initiator: boolean
  /**
   * When the session began. If it sent no posts, the peer's set matched ours, so it holds every
   * own post written before then (posts it was sent might still be refused by its checks).
   */
  startedAt: number
  turns: number
  postsSent: number
  postsReceived: number
  bytesSent: number
  bytesReceived: number
  ms: number
}

export class SyncError extends Error {
  override readonly name = 'SyncError'
}

/**
 * /roda/sync/1.0.0 (PROTOCOL.md §9): anti-entropy between two directly connected members of a
 * room, by range-based set reconciliation. One stream is one room and one session.
 */
export class SyncService {
  constructor(
    private readonly node: RodaLibp2p,
    private readonly findRoom: (roomIdHex: string) => SyncRoom | undefined,
    private readonly onComplete: (room: SyncRoom, result: SyncResult) => void,
  ) {}

  async start(): Promise<void> {
    // Not on limited (relayed) connections: history goes browser to browser only.
    await this.node.handle(SYNC_PROTOCOL, (stream, connection) => void this.respond(stream, connection), { maxInboundStreams: 8 })
  }

  async stop(): Promise<void> {
    await this.node.unhandle(SYNC_PROTOCOL)
  }

  /** Runs one session with a peer over its direct connection. */
  async syncWith(peer: PeerId, room: SyncRoom): Promise<SyncResult> {
    const conn = this.node.getConnections(peer).find((c) => c.status === 'open' && c.limits == null)
    if (!conn) throw new SyncError('no direct connection to this peer')
    const stream = await conn.newStream(SYNC_PROTOCOL, { signal: AbortSignal.timeout(READ_TIMEOUT_MS) })
    return this.run(stream, peer.toString(), room, true)
  }

  private async respond(stream: Stream, connection: Connection): Promise<void> {
    try {
      await this.run(stream, connection.remotePeer.toString(), undefined, false)
    } catch {
      // the session is aborted in run(); a failed sync is retried on the next schedule
    }
  }

  private async run(stream: Stream, peer: string, known: SyncRoom | undefined, initiator: boolean): Promise<SyncResult> {
    const started = Date.now()
    const session = AbortSignal.timeout(SESSION_TIMEOUT_MS)
    const lp = lpStream(stream, { maxDataLength: MAX_SYNC_MESSAGE_BYTES })
    const result: SyncResult = { peer, initiator, startedAt: started, turns: 0, postsSent: 0, postsReceived: 0, bytesSent: 0, bytesReceived: 0, ms: 0 }
    const send = async (m: SyncMessage): Promise<void> => {
      // MAX_TURNS counts reconciliation turns in both directions.
      if ((m.type === 'open' || m.type === 'ranges') && ++result.turns > MAX_TURNS) throw new SyncError('too many turns')
      const bytes = encodeSyncMessage(m)
      result.bytesSent += bytes.length
      await lp.write(bytes, { signal: session })
    }
    const read = async (): Promise<SyncMessage> => {
      const buf = await lp.read({ signal: AbortSignal.any([session, AbortSignal.timeout(READ_TIMEOUT_MS)]) })
      result.bytesReceived += buf.byteLength
      const m = parseSyncMessage(buf.subarray())
      if (!m) throw new SyncError('malformed sync message')
      return m
    }
    const push = async (room: SyncRoom, ids: string[]): Promise<void> => {
      let batch: Uint8Array[] = []
      let size = POSTS_OVERHEAD
      for (let i = 0; i < ids.length; i += 256) {
        for (const frame of await room.frames(ids.slice(i, i + 256))) {
          if (batch.length > 0 && (size + frame.length + 8 > MAX_SYNC_MESSAGE_BYTES || batch.length >= MAX_FRAMES_PER_POSTS)) {
            await send({ type: 'posts', frames: batch })
            batch = []
            size = POSTS_OVERHEAD
          }
          batch.push(frame)
          size += frame.length + 8
          result.postsSent++
        }
      }
      if (batch.length > 0) await send({ type: 'posts', frames: batch })
    }

    let room = known
    try {
      if (initiator) {
        if (!room) throw new SyncError('no room')
        await send({ type: 'open', room: room.roomId, ranges: initialRanges(room.index) })
      }
      for (;;) {
        const m = await read()
        if (m.type === 'open') {
          if (initiator || room) throw new SyncError('unexpected open')
          room = this.findRoom(bytesToHex(m.room))
          if (!room) {
            await send({ type: 'error', text: 'not in this room' })
            throw new SyncError('peer asked for a room we are not in')
          }
        }
        if (!room) throw new SyncError('session did not start with open')
        if (m.type === 'open' || m.type === 'ranges') {
          if (++result.turns > MAX_TURNS) throw new SyncError('too many turns')
          if (isAllSkip(m.ranges)) {
            // Reconciled. Every want of theirs came before this message and is served.
            await send({ type: 'end' })
            break
          }
          const r = processRanges(room.index, m.ranges)
          await push(room, r.theyLack)
          for (let i = 0; i < r.iLack.length; i += MAX_WANT_IDS) {
            await send({ type: 'want', ids: r.iLack.slice(i, i + MAX_WANT_IDS) })
          }
          await send({ type: 'ranges', ranges: r.reply })
        } else if (m.type === 'want') {
          await push(room, m.ids.filter((id) => room!.index.has(id)))
        } else if (m.type === 'posts') {
          result.postsReceived += m.frames.length
          await room.receive(m.frames)
        } else if (m.type === 'end') {
          break
        } else if (m.type === 'error') {
          throw new SyncError(`peer: ${m.text}`)
        }
      }
      await stream.close({ signal: AbortSignal.timeout(READ_TIMEOUT_MS) }).catch(() => stream.abort(new SyncError('close timed out')))
      result.ms = Date.now() - started
      if (room) this.onComplete(room, result)
      return result
    } catch (e) {
      stream.abort(e instanceof Error ? e : new SyncError(String(e)))
      throw e
    }
  }
}
