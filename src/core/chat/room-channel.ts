import { bytesToHex } from '../bytes.ts'
import type { Identity } from '../identity/identity.ts'
import { Observable } from '../observable.ts'
import { nextLamport } from '../order/order.ts'
import type { RoomKeys } from '../room/room-keys.ts'
import type { PostRow, RodaDB } from '../store/db.ts'
import { markDelivered, orderKeysOfRoom, postsByIds } from '../store/repo.ts'
import { ItemIndex } from '../sync/item-index.ts'
import type { SyncResult, SyncRoom } from '../net/sync-protocol.ts'
import type { VerifiedHello, VerifiedPost } from '../wire/validate.ts'
import { loadEngine, type Engine } from './engine-loader.ts'
import type { Network, PeerConnection, Verdict } from '../net/network.ts'
import type { PostWriter } from './post-writer.ts'
import { Timeline } from './timeline.ts'
import type { Rejections } from './rejections.ts'

export interface Me extends Identity {
  name: string
}

/** What every room of this device shares. */
export interface ChannelContext {
  db: RodaDB
  me: () => Me
  writer: PostWriter
  rejections: Rejections
  /** Told of every completed sync session, for diagnostics and benchmarks. */
  synced: (roomId: string, result: SyncResult) => void
}

/** A peer in the room now, with the identity it announced (if its hello has arrived). */
export interface RoomPeer {
  peerId: string
  connection: PeerConnection
  /** Candidate types of the ICE path in use (`host/host`, `relay/srflx`…), when there is one. */
  path?: string
  author?: string
  name?: string
}

const HELLO_EVERY_MS = 60_000
// Publishing a burst of posts asks for one confirming sync, not one per post.
const CONFIRM_AFTER_MS = 400
// Our own post is drawn and stored about this long after it is published, not at once (drawn
// sooner if something else is drawn meanwhile): drawing it (its row, then layout and paint) and
// writing it (IndexedDB, in the browser process) would take the CPU from the post on its way
// out. On the benchmark's 2 cores, where the other device shares the CPU too, doing both at
// once cost 0.3-0.4 ms of a send-to-screen time of about 2.5 ms (median, posts alternating
// between the two ways in one run); anything from 1 to 10 ms later did equally well. A few
// milliseconds are well within the frame the post is painted in, and a page being hidden or
// closed writes it at once (main.tsx flushes the writer then).
const AFTER_SENDING_MS = 4
// No sync session lasts this long, so an own post indexed this long ago was compared by every
// session still to report.
const FORGET_INDEXED_AFTER_MS = 5 * 60_000
// A peer that keeps refusing a post (say its clock is far behind) must not cause endless syncs.
const MAX_FOLLOW_UPS = 3

export function postRow(p: VerifiedPost, roomId: string, status?: PostRow['status']): PostRow {
  return {
    id: p.id,
    room: roomId,
    author: bytesToHex(p.author),
    name: p.name,
    lamport: p.lamport,
    ts: p.ts,
    text: p.text,
    signed: p.signed,
    sig: p.sig,
    receivedAt: Date.now(),
    ...(status ? { status } : {}),
  }
}

/**
 * One room on this device: what it has stored (ids, Lamport clock), what it sends, and the
 * validation of everything that arrives for it. It works with or without a network attached,
 * because posts are stored first and published when possible.
 */
export class RoomChannel implements SyncRoom {
  readonly peers = new Observable<RoomPeer[]>([])
  private net: Network | undefined
  private confirmTimer: ReturnType<typeof setTimeout> | undefined
  /** Confirming syncs in a row that still moved posts (see onSynced). */
  private followUps = 0
  /** Peers with a WebRTC path at the last look. */
  private lastPeerCount = 0
  private readonly hellos = new Map<string, { author: string; name: string }>()
  private lastHello: { frame: Uint8Array; at: number } | undefined
  private helloTimer: ReturnType<typeof setInterval> | undefined
  private helloSoon: ReturnType<typeof setTimeout> | undefined

  /** Every post of the room on this device, in display order: dedup, clock and sync all use it. */
  index = ItemIndex.from([])
  /**
   * Our recent posts → when they entered the index (Infinity: not yet). A sync session that
   * began before that never compared them, so it proves nothing about them (see onSynced).
   */
  private readonly indexedAt = new Map<string, number>()
  private lamport = 0
  /**
   * The index of a long room takes a moment to read, and the signing/validation engine is a
   * separate download; the room is on screen before either, and everything that needs them
   * (sending, receiving, joining the network) waits for both.
   */
  private readonly ready: Promise<void>
  private engine!: Engine

  private constructor(
    readonly keys: RoomKeys,
    private readonly ctx: ChannelContext,
    /** What the room view shows: fed by the same verified path that writes the store. */
    readonly timeline: Timeline,
  ) {
    this.ready = Promise.all([orderKeysOfRoom(ctx.db, keys.roomIdHex), loadEngine()]).then(([entries, engine]) => {
      this.engine = engine
      this.index = ItemIndex.from(entries)
      this.lamport = entries.length ? entries[entries.length - 1]![0] : 0
    })
  }

  static async open(keys: RoomKeys, ctx: ChannelContext): Promise<RoomChannel> {
    return new RoomChannel(keys, ctx, await Timeline.open(ctx.db, keys.roomIdHex))
  }

  get id(): string {
    return this.keys.roomIdHex
  }

  get roomId(): Uint8Array {
    return this.keys.roomId
  }

  /** Sync: the stored posts with these ids, sealed as frames exactly as they are gossiped. */
  async frames(ids: string[]): Promise<Uint8Array[]> {
    await this.ready
    // A post is offered as soon as it is indexed; it may still be waiting to be written.
    await this.ctx.writer.flush()
    const rows = await postsByIds(this.ctx.db, ids)
    return rows.map((r) => this.engine.sealFrame(this.keys, this.engine.encodeEnvelope(r.signed, r.sig)))
  }

  /** Sync: frames from a peer go through the very same edge as gossip. */
  async receive(frames: Uint8Array[]): Promise<void> {
    await Promise.all(frames.map((f) => this.accept(f)))
  }

  /**
   * Sync: a session completed. One that moved no posts to the peer proves it holds all of ours
   * written before the session began: those become "sent". One that did move posts proves
   * nothing yet (the peer may refuse some), so a short follow-up session checks.
   */
  onSynced(result: SyncResult): void {
    this.ctx.synced(this.id, result)
    if (result.postsSent > 0) {
      if (this.followUps++ < MAX_FOLLOW_UPS) this.confirmSoon()
      return
    }
    this.followUps = 0
    const peerKey = this.hellos.get(result.peer)?.author
    const notCompared = new Set<string>()
    for (const [id, at] of this.indexedAt) {
      // Same millisecond: it may have come just after the session began.
      if (at >= result.startedAt) notCompared.add(id)
      else if (at < Date.now() - FORGET_INDEXED_AFTER_MS) this.indexedAt.delete(id)
    }
    void markDelivered(this.ctx.db, this.id, bytesToHex(this.ctx.me().publicKey), result.startedAt, peerKey, notCompared).then((rows) => this.timeline.upsert(rows))
  }

  private confirmSoon(): void {
    const net = this.net
    if (!net) return
    clearTimeout(this.confirmTimer)
    this.confirmTimer = setTimeout(() => net.syncRoom(this.keys.topic), CONFIRM_AFTER_MS)
  }

  /** Signs and publishes a post, then draws and stores it (see AFTER_SENDING_MS). */
  async send(text: string): Promise<PostRow> {
    await this.ready
    const me = this.ctx.me()
    const payload = {
      kind: 'post' as const,
      room: this.keys.roomId,
      author: me.publicKey,
      ts: Date.now(),
      name: me.name,
      lamport: nextLamport(this.lamport),
      text,
    }
    const signed = await this.engine.signPayload(me, payload)
    this.lamport = payload.lamport
    const row: PostRow = {
      id: signed.id,
      room: this.id,
      author: bytesToHex(me.publicKey),
      name: me.name,
      lamport: payload.lamport,
      ts: payload.ts,
      text,
      signed: signed.signed,
      sig: signed.sig,
      receivedAt: payload.ts,
      status: 'pending',
    }
    // On the wire first, on screen and in the store right after (AFTER_SENDING_MS). The post
    // is indexed for sync once stored, so sync never offers a post it cannot load yet.
    this.timeline.upsert([row], { after: AFTER_SENDING_MS })
    void this.publish(signed.envelope)
    this.indexedAt.set(row.id, Infinity)
    try {
      await this.ctx.writer.add(row, AFTER_SENDING_MS)
    } catch (e) {
      this.indexedAt.delete(row.id)
      throw e
    }
    this.index.add(row.lamport, row.id)
    this.indexedAt.set(row.id, Date.now())
    return row
  }

  attach(net: Network): void {
    this.net = net
    void this.ready.then(() => {
      if (this.net === net) this.join(net)
    })
  }

  private join(net: Network): void {
    net.joinRoom(this.keys, {
      validate: (frame, envelope) => this.accept(frame, envelope),
      helloFrame: () => this.helloFrame(),
      acceptCircuitHello: (frame, fromPeer) => this.acceptCircuitHello(frame, fromPeer),
      onPeersChanged: () => this.refreshPeers(),
      sync: this,
      onSynced: (r) => this.onSynced(r),
    })
    void this.sayHello()
    this.helloTimer = setInterval(() => void this.sayHello(), HELLO_EVERY_MS)
  }

  detach(): void {
    clearInterval(this.helloTimer)
    clearTimeout(this.helloSoon)
    clearTimeout(this.confirmTimer)
    this.net?.leaveRoom(this.keys)
    this.net = undefined
    this.peers.set([])
  }

  /**
   * The edge: every frame from the network passes here, and only verified posts go further.
   * `envelope`: the frame's contents when the network layer already opened it.
   */
  async accept(frame: Uint8Array, envelope?: Uint8Array): Promise<Verdict> {
    await this.ready
    const ctx = { keys: this.keys, now: Date.now(), isStored: (id: string) => this.index.has(id) }
    const result = await (envelope ? this.engine.validateEnvelope(envelope, ctx) : this.engine.validateFrame(frame, ctx))
    if (!result.ok) {
      this.ctx.rejections.count(result.error)
      return result.error === 'replay' ? 'ignore' : 'reject'
    }
    const v = result.value
    if (v.kind === 'hello') this.acceptHello(v)
    else this.acceptPost(v)
    return 'accept'
  }

  private acceptPost(p: VerifiedPost): void {
    this.index.add(p.lamport, p.id)
    this.lamport = Math.max(this.lamport, p.lamport)
    const row = postRow(p, this.id)
    this.timeline.upsert([row], { received: true })
    void this.ctx.writer.addReceived(row)
  }

  private acceptHello(h: VerifiedHello): void {
    const before = this.hellos.get(h.peerId)
    this.hellos.set(h.peerId, { author: bytesToHex(h.author), name: h.name })
    if (!before) void this.sayHelloSoon()
    this.refreshPeers()
  }

  /**
   * Gossip is the fast path; it proves nothing about delivery. A short sync afterwards does:
   * only then does the post turn from pending to sent. With no peer, the post waits in the
   * store and sync hands it over when a peer appears.
   */
  private async publish(envelope: Uint8Array): Promise<void> {
    const net = this.net
    if (!net) return
    await net.publish(this.keys.topic, this.engine.sealFrame(this.keys, envelope), envelope).catch(() => 0)
    this.confirmSoon()
  }

  private refreshPeers(): void {
    if (!this.net) return
    const list = this.net.peersOf(this.keys.topic).map((p) => ({ ...p, ...this.hellos.get(p.peerId) }))
    this.peers.set(list)
    // Hellos travel by gossip, which only reaches peers with a WebRTC path: a peer first listed
    // over the relay's circuit must still hear who we are once its path comes up (through
    // NATs that takes longer than the hello's short delay).
    const withPath = list.filter((p) => p.connection === 'direct' || p.connection === 'turn').length
    if (withPath > this.lastPeerCount) this.sayHelloSoon()
    this.lastPeerCount = withPath
  }

  private sayHelloSoon(): void {
    clearTimeout(this.helloSoon)
    this.helloSoon = setTimeout(() => void this.sayHello(), 300)
  }

  /**
   * A hello handed over a relay circuit by a member no WebRTC path reaches yet. Checked like any
   * frame, and it must be the hello of the peer at the other end of the circuit (a hello names
   * its libp2p peer id). A frame that does not open with this room's key is not ours: not counted.
   */
  private async acceptCircuitHello(frame: Uint8Array, fromPeer: string): Promise<void> {
    const ctx = { keys: this.keys, now: Date.now(), isStored: (id: string) => this.index.has(id) }
    const result = await this.engine.validateFrame(frame, ctx)
    if (!result.ok) {
      // Anything connected through the relay can send here, members or not: only a frame that
      // opened with the room's key (so was sealed by a member) is worth counting.
      if (result.error !== 'undecryptable' && result.error !== 'malformed' && result.error !== 'too-large') this.ctx.rejections.count(result.error)
      return
    }
    if (result.value.kind === 'hello' && result.value.peerId === fromPeer) this.acceptHello(result.value)
  }

  /** Our latest hello, sealed for the room (signed now if none was yet). */
  private async helloFrame(): Promise<Uint8Array | undefined> {
    if (!this.lastHello || this.lastHello.at < Date.now() - HELLO_EVERY_MS) await this.sayHello()
    return this.lastHello?.frame
  }

  private async sayHello(): Promise<void> {
    const net = this.net
    if (!net) return
    const me = this.ctx.me()
    const hello = await this.engine.signPayload(me, {
      kind: 'hello',
      room: this.keys.roomId,
      author: me.publicKey,
      ts: Date.now(),
      name: me.name,
      peerId: net.peerId,
    })
    const frame = this.engine.sealFrame(this.keys, hello.envelope)
    this.lastHello = { frame, at: Date.now() }
    await net.publish(this.keys.topic, frame).catch(() => undefined)
  }
}
