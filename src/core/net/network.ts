import { TopicValidatorResult } from '@libp2p/gossipsub'
import { sha256 } from '@noble/hashes/sha2.js'
import type { PeerId } from '@libp2p/interface'
import { bytesToHex } from '../bytes.ts'
import type { RoomKeys } from '../room/room-keys.ts'
import { frameMessageId, OpenedFrames } from '../wire/frame.ts'
import { createBrowserNode, type RodaLibp2p } from './node.ts'
import { RelayLink, type Introduction, type RelayStatus } from './relay-link.ts'
import { connectionKind, PeerDialer } from './peer-dialer.ts'
import { PathWatcher } from './path-watcher.ts'
import { IceConfig } from './ice-config.ts'
import { CircuitHellos } from './circuit-hello.ts'
import { Observable } from '../observable.ts'
import { SyncService, type SyncResult, type SyncRoom } from './sync-protocol.ts'
import { SyncScheduler, type SyncTarget } from './sync-scheduler.ts'

export type Verdict = 'accept' | 'reject' | 'ignore'

export interface RoomHandlers {
  /**
   * Full validation of a received frame; the only way anything from the network gets in.
   * `envelope`: the frame already opened (for its message id), so it is not decrypted twice.
   */
  validate(frame: Uint8Array, envelope?: Uint8Array): Promise<Verdict>
  /** Our hello for the room, sealed, for a peer reached only through the relay's circuit. */
  helloFrame(): Promise<Uint8Array | undefined>
  /** A frame that came over a circuit from `fromPeer`: taken only if it is that peer's hello. */
  acceptCircuitHello(frame: Uint8Array, fromPeer: string): Promise<void>
  /** The set of peers in the room, or how they are connected, may have changed. */
  onPeersChanged(): void
  /** The room's side of history sync. */
  sync: SyncRoom
  /** A sync session with a peer completed. */
  onSynced(result: SyncResult): void
}

/**
 * How a room member is connected to us, as people need to know it:
 * - direct: WebRTC over a direct ICE path (host, server-reflexive or peer-reflexive candidates),
 * - turn: WebRTC relayed through the deployment's TURN server,
 * - relayed: only the signalling circuit through the relay so far (connecting),
 * - unreachable: the relay can signal to it, but ICE found no path from this network.
 * Posts travel only over direct and turn.
 */
export type PeerConnection = 'direct' | 'turn' | 'relayed' | 'unreachable'

export interface NetPeer {
  peerId: string
  connection: PeerConnection
  /** The selected ICE candidate pair's types, local first (`host/host`, `relay/srflx`…). */
  path?: string
}

export interface NetworkConfig {
  relays: string[]
  iceServers: RTCIceServer[]
}

const VERDICT = {
  accept: TopicValidatorResult.Accept,
  reject: TopicValidatorResult.Reject,
  ignore: TopicValidatorResult.Ignore,
} as const

// An introduced peer that does not connect to us within this time gets dialed by us instead.
const FALLBACK_DIAL_MS = 6_000

/**
 * Everything libp2p, behind a small surface the chat layer can use without importing libp2p:
 * this module (and its imports) is loaded only after the stored history is on screen.
 */
export class Network {
  readonly relay: RelayLink
  private readonly dialer: PeerDialer
  private readonly paths: PathWatcher
  /** How many peers are connected over WebRTC (direct or through TURN), in any room. */
  readonly connectedPeers = new Observable<number>(0)
  private readonly rooms = new Map<string, { keys: RoomKeys; handlers: RoomHandlers; introduced: Set<string>; target: SyncTarget }>()
  private readonly byNs = new Map<string, string>()
  private readonly sync: SyncService
  private readonly hellos: CircuitHellos
  private readonly scheduler: SyncScheduler

  private constructor(
    readonly node: RodaLibp2p,
    relays: string[],
    private readonly keysByTopic: Map<string, RoomKeys>,
    private readonly opened: OpenedFrames,
    readonly ice: IceConfig,
  ) {
    this.relay = new RelayLink(node, relays, (i) => this.introduced(i), (conn) => ice.learnFrom(conn))
    const changed = (): void => {
      for (const peer of this.paths.peers()) this.dialer.reached(peer)
      this.connectedPeers.set(this.countMembersWithPath())
      this.rooms.forEach((r, topic) => {
        r.handlers.onPeersChanged()
        this.scheduler.peersChanged(topic, r.target)
      })
    }
    this.dialer = new PeerDialer(
      node,
      () => this.relay.address,
      (peer) => [...this.rooms.values()].some((r) => r.introduced.has(peer)),
      (peer, unreachable) => {
        if (unreachable) this.hellos.sendTo(peer)
        changed()
      },
    )
    this.paths = new PathWatcher(node, changed)
    // New ICE servers (a TURN server came up, or the relay with one) may open a path to the
    // peers that had none: try them again at once.
    ice.onNewServers = () => this.dialer.retryUnreachable()
    this.sync = new SyncService(
      node,
      (roomIdHex) => [...this.rooms.values()].find((r) => r.keys.roomIdHex === roomIdHex)?.handlers.sync,
      (room, result) => {
        const entry = [...this.rooms.values()].find((r) => r.handlers.sync === room)
        if (!entry) return
        this.scheduler.completed(entry.keys.topic, result)
        entry.handlers.onSynced(result)
      },
    )
    this.hellos = new CircuitHellos(node, () =>
      [...this.rooms.values()].map((r) => ({
        hasMember: (peer: string) => r.introduced.has(peer),
        helloFrame: () => r.handlers.helloFrame(),
        acceptHello: (frame: Uint8Array, fromPeer: string) => r.handlers.acceptCircuitHello(frame, fromPeer),
      })),
    )
    this.scheduler = new SyncScheduler(this.sync, node.peerId.toString(), () => [...this.rooms].map(([topic, r]) => [topic, r.target]))
    node.addEventListener('connection:open', changed)
    node.addEventListener('connection:close', changed)
    node.services.pubsub.addEventListener('subscription-change', changed)
  }

  static async start(config: NetworkConfig): Promise<Network> {
    const keysByTopic = new Map<string, RoomKeys>()
    const opened = new OpenedFrames()
    const ice = new IceConfig(config.iceServers)
    const node = await createBrowserNode({
      relays: config.relays,
      iceServers: () => ice.current(),
      messageId: (msg) => {
        const keys = keysByTopic.get(msg.topic)
        return keys ? frameMessageId(keys, msg.data, opened) : sha256(msg.data)
      },
    })
    const net = new Network(node, config.relays, keysByTopic, opened, ice)
    await net.sync.start()
    await net.hellos.start()
    net.relay.start()
    return net
  }

  get relayStatus(): Observable<RelayStatus> {
    return this.relay.status
  }

  get peerId(): string {
    return this.node.peerId.toString()
  }

  joinRoom(keys: RoomKeys, handlers: RoomHandlers): void {
    if (this.rooms.has(keys.topic)) return
    const target: SyncTarget = { room: handlers.sync, directPeers: () => this.directPeers(keys.topic) }
    this.rooms.set(keys.topic, { keys, handlers, introduced: new Set(), target })
    this.byNs.set(bytesToHex(keys.rendezvousNs), keys.topic)
    this.keysByTopic.set(keys.topic, keys)
    const pubsub = this.node.services.pubsub
    pubsub.topicValidators.set(keys.topic, async (_peer, msg) => VERDICT[await handlers.validate(msg.data, this.opened.take(msg.data))])
    pubsub.subscribe(keys.topic)
    this.relay.join(keys.rendezvousNs)
  }

  leaveRoom(keys: RoomKeys): void {
    if (!this.rooms.delete(keys.topic)) return
    this.byNs.delete(bytesToHex(keys.rendezvousNs))
    this.keysByTopic.delete(keys.topic)
    this.node.services.pubsub.unsubscribe(keys.topic)
    this.node.services.pubsub.topicValidators.delete(keys.topic)
    this.relay.leave(keys.rendezvousNs)
  }

  /**
   * Publishes a frame; resolves to the number of peers it was sent to. `envelope`: what the
   * frame seals, when the caller has it (its message id then needs no decryption).
   */
  async publish(topic: string, frame: Uint8Array, envelope?: Uint8Array): Promise<number> {
    if (envelope) this.opened.sealed(frame, envelope)
    const result = await this.node.services.pubsub.publish(topic, frame)
    return result.recipients.length
  }

  /**
   * Peers of a room that have some open connection to us, and how; plus the members the relay
   * introduced that no path reaches (unreachable), so nobody silently vanishes from the list.
   */
  peersOf(topic: string): NetPeer[] {
    const room = this.rooms.get(topic)
    if (!room) return []
    const ids = new Map<string, PeerId>()
    for (const p of this.node.services.pubsub.getSubscribers(topic)) ids.set(p.toString(), p)
    for (const c of this.node.getConnections()) {
      const id = c.remotePeer.toString()
      if (room.introduced.has(id)) ids.set(id, c.remotePeer)
    }
    const out: NetPeer[] = []
    for (const [peerId, id] of ids) {
      const kind = connectionKind(this.node, id)
      if (kind === 'direct') {
        // Direct or through TURN: only the selected candidate pair tells; until it has been
        // read, the connection counts as still being set up.
        const path = this.paths.pathOf(peerId)
        out.push(path ? { peerId, connection: path.kind, path: path.types } : { peerId, connection: 'relayed' })
      } else if (kind === 'relayed') {
        out.push({ peerId, connection: this.dialer.isUnreachable(peerId) ? 'unreachable' : 'relayed' })
      }
    }
    for (const peerId of this.dialer.unreachablePeers()) {
      if (!ids.has(peerId) && room.introduced.has(peerId)) out.push({ peerId, connection: 'unreachable' })
    }
    return out.sort((a, b) => a.peerId.localeCompare(b.peerId))
  }

  /** Whether the relay in use handed out a TURN server (or one is configured). */
  get hasTurn(): boolean {
    return this.ice.hasTurn()
  }

  /** Reconcile a room with every direct peer now (e.g. to confirm delivery of a new post). */
  syncRoom(topic: string): void {
    const room = this.rooms.get(topic)
    if (room) this.scheduler.syncRoom(topic, room.target)
  }

  /** Retry the relay and unreachable peers now, and re-sync (network back, tab visible again). */
  wake(): void {
    this.relay.wake()
    this.dialer.retryUnreachable()
    for (const [topic, room] of this.rooms) this.scheduler.syncRoom(topic, room.target)
  }

  /** Drop the relay link and attach again: is it still there? */
  recheckRelay(): void {
    this.relay.reconnect()
  }

  async stop(): Promise<void> {
    this.scheduler.stop()
    this.relay.stop()
    this.dialer.stop()
    this.paths.stop()
    this.ice.stop()
    await this.node.stop()
  }

  /** Members of our rooms with a working WebRTC path (a stranger's connection does not count). */
  private countMembersWithPath(): number {
    let n = 0
    for (const peer of this.paths.peers()) {
      if ([...this.rooms.values()].some((r) => r.introduced.has(peer))) n++
    }
    return n
  }

  /** Room members reachable over a direct connection: the ones history sync can run with. */
  private directPeers(topic: string): PeerId[] {
    return this.node.services.pubsub.getSubscribers(topic).filter((p) => connectionKind(this.node, p) === 'direct')
  }

  private introduced({ ns, peers, arrived }: Introduction): void {
    const topic = this.byNs.get(ns)
    const room = topic ? this.rooms.get(topic) : undefined
    if (!room) return
    for (const peer of peers) {
      if (peer === this.peerId) continue
      room.introduced.add(peer)
      if (!arrived) {
        void this.dialer.dial(peer)
      } else {
        // The newcomer dials us; only if that has not happened after a while do we dial it.
        setTimeout(() => {
          if (!this.peersOf(room.keys.topic).some((p) => p.peerId === peer && (p.connection === 'direct' || p.connection === 'turn'))) {
            void this.dialer.dial(peer)
          }
        }, FALLBACK_DIAL_MS)
      }
    }
    room.handlers.onPeersChanged()
  }
}
