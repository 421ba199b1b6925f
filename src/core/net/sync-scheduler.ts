import type { PeerId } from '@libp2p/interface'
import type { SyncResult, SyncRoom, SyncService } from './sync-protocol.ts'

// Both sides of a new connection would otherwise sync at once, doubling the transfer: the
// peer with the smaller id goes first and the other only steps in if nothing happened.
const YIELD_MS = 2_500
const PERIOD_MS = 30_000

export interface SyncTarget {
  room: SyncRoom
  /** Peers of the room with a direct connection and a gossip subscription, now. */
  directPeers(): PeerId[]
}

/**
 * Decides when to reconcile with whom: when a room peer becomes directly reachable, every
 * PERIOD_MS while connected (anti-entropy catches anything gossip dropped), and on demand
 * (after publishing, to turn "pending" into "sent"; when the tab wakes).
 */
export class SyncScheduler {
  private readonly known = new Map<string, Set<string>>()
  private readonly lastRun = new Map<string, number>()
  private readonly running = new Set<string>()
  /** Sessions asked for while one with the same peer was running: run once more after it. */
  private readonly again = new Set<string>()
  private readonly timer: ReturnType<typeof setInterval>
  private stopped = false

  constructor(
    private readonly service: SyncService,
    private readonly selfId: string,
    private readonly targets: () => Iterable<[string, SyncTarget]>,
  ) {
    this.timer = setInterval(() => this.periodic(), PERIOD_MS)
  }

  stop(): void {
    this.stopped = true
    clearInterval(this.timer)
  }

  /** A session finished, whoever started it. */
  completed(topic: string, result: SyncResult): void {
    this.lastRun.set(`${topic} ${result.peer}`, Date.now())
  }

  /** The peers of a room changed: start sessions with the ones that are new. */
  peersChanged(topic: string, target: SyncTarget): void {
    const before = this.known.get(topic) ?? new Set<string>()
    const now = new Set<string>()
    for (const peer of target.directPeers()) {
      const id = peer.toString()
      now.add(id)
      if (before.has(id)) continue
      if (this.selfId < id) void this.run(topic, target.room, peer)
      else setTimeout(() => {
        if (!this.recently(topic, id, YIELD_MS)) void this.run(topic, target.room, peer)
      }, YIELD_MS)
    }
    this.known.set(topic, now)
  }

  /** Reconcile with every direct peer of a room now (skipping ones already in a session). */
  syncRoom(topic: string, target: SyncTarget): void {
    for (const peer of target.directPeers()) void this.run(topic, target.room, peer)
  }

  private periodic(): void {
    for (const [topic, target] of this.targets()) {
      for (const peer of target.directPeers()) {
        if (this.selfId < peer.toString() && !this.recently(topic, peer.toString(), PERIOD_MS / 2)) void this.run(topic, target.room, peer)
      }
    }
  }

  private recently(topic: string, peer: string, ms: number): boolean {
    return Date.now() - (this.lastRun.get(`${topic} ${peer}`) ?? 0) < ms
  }

  private async run(topic: string, room: SyncRoom, peer: PeerId): Promise<void> {
    const key = `${topic} ${peer.toString()}`
    if (this.stopped) return
    if (this.running.has(key)) {
      this.again.add(key)
      return
    }
    this.running.add(key)
    try {
      await this.service.syncWith(peer, room)
    } catch {
      // Connection gone or peer misbehaved: the next trigger tries again.
    } finally {
      this.running.delete(key)
      if (this.again.delete(key)) void this.run(topic, room, peer)
    }
  }
}
