import { bytesToHex } from '../bytes.ts'
import type { Identity } from '../identity/identity.ts'
import { Observable } from '../observable.ts'
import { nextLamport } from '../order/order.ts'
import type { RoomKeys } from '../room/room-keys.ts'
import type { PostRow, RodaDB } from '../store/db.ts'
import { markPostsSent, maxLamport, postIdsOfRoom } from '../store/repo.ts'
import { signPayload } from '../wire/envelope.ts'
import { sealFrame } from '../wire/frame.ts'
import { validateFrame, type VerifiedHello, type VerifiedPost } from '../wire/validate.ts'
import type { Network, Verdict } from '../net/network.ts'
import type { PostWriter } from './post-writer.ts'
import type { Rejections } from './rejections.ts'

export interface Me extends Identity {
  name: string
}

/** A peer in the room now, with the identity it announced (if its hello has arrived). */
export interface RoomPeer {
  peerId: string
  connection: 'direct' | 'relayed'
  author?: string
  name?: string
}

const HELLO_EVERY_MS = 60_000

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
export class RoomChannel {
  readonly peers = new Observable<RoomPeer[]>([])
  private net: Network | undefined
  private readonly hellos = new Map<string, { author: string; name: string }>()
  private helloTimer: ReturnType<typeof setInterval> | undefined
  private helloSoon: ReturnType<typeof setTimeout> | undefined

  private constructor(
    readonly keys: RoomKeys,
    private readonly db: RodaDB,
    private readonly me: () => Me,
    private readonly writer: PostWriter,
    private readonly rejections: Rejections,
    private readonly known: Set<string>,
    private lamport: number,
  ) {}

  static async open(keys: RoomKeys, db: RodaDB, me: () => Me, writer: PostWriter, rejections: Rejections): Promise<RoomChannel> {
    const [ids, max] = await Promise.all([postIdsOfRoom(db, keys.roomIdHex), maxLamport(db, keys.roomIdHex)])
    return new RoomChannel(keys, db, me, writer, rejections, new Set(ids), max ?? 0)
  }

  get id(): string {
    return this.keys.roomIdHex
  }

  /** Signs, stores and publishes a post. It is on screen (from the store) before it leaves. */
  async send(text: string): Promise<PostRow> {
    const me = this.me()
    const payload = {
      kind: 'post' as const,
      room: this.keys.roomId,
      author: me.publicKey,
      ts: Date.now(),
      name: me.name,
      lamport: nextLamport(this.lamport),
      text,
    }
    const signed = await signPayload(me, payload)
    this.lamport = payload.lamport
    this.known.add(signed.id)
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
    await this.writer.add(row)
    void this.publish(signed.envelope, [row.id])
    return row
  }

  attach(net: Network): void {
    this.net = net
    net.joinRoom(this.keys, {
      validate: (frame) => this.receive(frame),
      onPeersChanged: () => this.refreshPeers(),
    })
    void this.sayHello()
    this.helloTimer = setInterval(() => void this.sayHello(), HELLO_EVERY_MS)
  }

  detach(): void {
    clearInterval(this.helloTimer)
    clearTimeout(this.helloSoon)
    this.net?.leaveRoom(this.keys)
    this.net = undefined
    this.peers.set([])
  }

  /** The edge: every frame from the network passes here, and only verified posts go further. */
  async receive(frame: Uint8Array): Promise<Verdict> {
    const result = await validateFrame(frame, { keys: this.keys, now: Date.now(), isStored: (id) => this.known.has(id) })
    if (!result.ok) {
      this.rejections.count(result.error)
      return result.error === 'replay' ? 'ignore' : 'reject'
    }
    const v = result.value
    if (v.kind === 'hello') this.acceptHello(v)
    else this.acceptPost(v)
    return 'accept'
  }

  private acceptPost(p: VerifiedPost): void {
    this.known.add(p.id)
    this.lamport = Math.max(this.lamport, p.lamport)
    void this.writer.add(postRow(p, this.id))
  }

  private acceptHello(h: VerifiedHello): void {
    const before = this.hellos.get(h.peerId)
    this.hellos.set(h.peerId, { author: bytesToHex(h.author), name: h.name })
    if (!before) void this.sayHelloSoon()
    this.refreshPeers()
  }

  private async publish(envelope: Uint8Array, ids: string[]): Promise<void> {
    if (!this.net) return
    try {
      const recipients = await this.net.publish(this.keys.topic, sealFrame(this.keys, envelope))
      // A direct peer took it. Issue 3's sync will make this an acknowledgement instead.
      if (recipients > 0) await markPostsSent(this.db, ids)
    } catch {
      // stays pending; it is delivered when a peer next syncs with us
    }
  }

  private refreshPeers(): void {
    if (!this.net) return
    const list = this.net.peersOf(this.keys.topic).map((p) => ({ ...p, ...this.hellos.get(p.peerId) }))
    this.peers.set(list)
    // A newly subscribed peer has not heard who we are yet.
    if (list.length > (this.lastPeerCount ?? 0)) this.sayHelloSoon()
    this.lastPeerCount = list.length
  }

  private lastPeerCount: number | undefined

  private sayHelloSoon(): void {
    clearTimeout(this.helloSoon)
    this.helloSoon = setTimeout(() => void this.sayHello(), 300)
  }

  private async sayHello(): Promise<void> {
    const net = this.net
    if (!net) return
    const me = this.me()
    const hello = await signPayload(me, {
      kind: 'hello',
      room: this.keys.roomId,
      author: me.publicKey,
      ts: Date.now(),
      name: me.name,
      peerId: net.peerId,
    })
    await net.publish(this.keys.topic, sealFrame(this.keys, hello.envelope)).catch(() => undefined)
  }
}
