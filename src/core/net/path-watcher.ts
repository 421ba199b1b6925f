import type { Connection } from '@libp2p/interface'
import type { RodaLibp2p } from './node.ts'
import { peerConnectionOf, readIcePath, type IcePath } from './ice-path.ts'

// ICE may move a connection to another candidate pair (a network change, a TURN fallback), and
// the browser tells nobody but getStats(): look again this often.
const REFRESH_MS = 3_000
// getStats() right after the connection opens may not name the selected pair yet.
const FIRST_READ_RETRY_MS = [100, 500, 1_500]

/**
 * Keeps, for each peer with an open WebRTC connection, the ICE path it really uses (PathKind and
 * candidate types from the selected candidate pair). Bounded by the open connections: an entry
 * is dropped with its peer's last direct connection.
 */
export class PathWatcher {
  private readonly paths = new Map<string, IcePath>()
  private readonly timer: ReturnType<typeof setInterval>
  private stopped = false

  constructor(
    private readonly node: RodaLibp2p,
    private readonly onChange: () => void,
  ) {
    node.addEventListener('connection:open', this.onOpen)
    node.addEventListener('connection:close', this.onClose)
    this.timer = setInterval(() => void this.refresh(), REFRESH_MS)
  }

  /** The path to a peer, once ICE has selected one on an open connection. */
  pathOf(peer: string): IcePath | undefined {
    return this.paths.get(peer)
  }

  /** Peers with a working WebRTC path (direct or through TURN). */
  peers(): IterableIterator<string> {
    return this.paths.keys()
  }

  stop(): void {
    this.stopped = true
    clearInterval(this.timer)
    this.node.removeEventListener('connection:open', this.onOpen)
    this.node.removeEventListener('connection:close', this.onClose)
  }

  private readonly onOpen = (e: CustomEvent<Connection>): void => {
    const conn = e.detail
    if (conn.limits != null) return
    const pc = peerConnectionOf(conn)
    // A state change is when the path appears, changes or goes away (consent lost). Only this
    // connection is read: in a room that forms, every connection changes state at once.
    pc?.addEventListener('connectionstatechange', () => void this.readOne(conn))
    void this.firstRead(conn)
  }

  private readonly onClose = (e: CustomEvent<Connection>): void => {
    const peer = e.detail.remotePeer
    const stillOpen = this.node.getConnections(peer).some((c) => c.limits == null && c.status === 'open')
    if (!stillOpen && this.paths.delete(peer.toString())) this.onChange()
  }

  private async readOne(conn: Connection): Promise<void> {
    const peer = conn.remotePeer.toString()
    const path = conn.status === 'open' ? await readIcePath(conn) : undefined
    if (this.stopped) return
    if (path) this.update(peer, path)
    // Gone from this connection; the next full pass restores it if another one has a path.
    else if (this.paths.delete(peer)) this.onChange()
  }

  private async firstRead(conn: Connection): Promise<void> {
    const peer = conn.remotePeer.toString()
    for (const wait of [0, ...FIRST_READ_RETRY_MS]) {
      if (wait) await new Promise((r) => setTimeout(r, wait))
      if (this.stopped || conn.status !== 'open') return
      // Only this connection: in a room that forms, every member's connections open at once,
      // and reading all of them for each would cost n² getStats calls.
      const path = await readIcePath(conn)
      if (path) {
        this.update(peer, path)
        return
      }
    }
  }

  private refreshing = false

  /** Reads every direct connection's path, all at once; a pass already under way is enough. */
  private async refresh(): Promise<void> {
    if (this.refreshing || this.stopped) return
    this.refreshing = true
    try {
      const conns = this.node.getConnections().filter((c) => c.limits == null && c.status === 'open')
      const paths = await Promise.all(conns.map(async (c) => [c.remotePeer.toString(), await readIcePath(c)] as const))
      if (this.stopped) return
      const seen = new Map<string, IcePath>()
      // Two connections to one peer (both dialed at once): the direct one wins.
      for (const [peer, path] of paths) if (path && (!seen.has(peer) || path.kind === 'direct')) seen.set(peer, path)
      let changed = seen.size !== this.paths.size
      for (const [peer, path] of seen) if (!samePath(this.paths.get(peer), path)) changed = true
      if (!changed) return
      this.paths.clear()
      for (const [peer, path] of seen) this.paths.set(peer, path)
      this.onChange()
    } finally {
      this.refreshing = false
    }
  }

  private update(peer: string, path: IcePath): void {
    if (samePath(this.paths.get(peer), path)) return
    this.paths.set(peer, path)
    this.onChange()
  }
}

function samePath(a: IcePath | undefined, b: IcePath): boolean {
  return a !== undefined && a.kind === b.kind && a.types === b.types
}
