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
    // A state change is when the path appears, changes or goes away (consent lost).
    pc?.addEventListener('connectionstatechange', () => void this.refresh())
    void this.firstRead(conn)
  }

  private readonly onClose = (): void => void this.refresh()

  private async firstRead(conn: Connection): Promise<void> {
    for (const wait of [0, ...FIRST_READ_RETRY_MS]) {
      if (wait) await new Promise((r) => setTimeout(r, wait))
      if (this.stopped || conn.status !== 'open') return
      await this.refresh()
      if (this.paths.has(conn.remotePeer.toString())) return
    }
  }

  private refreshing: Promise<void> | undefined
  private again = false

  /** Reads every direct connection's path; one pass at a time, a request during it runs one more. */
  private refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true
      return this.refreshing
    }
    this.refreshing = (async () => {
      do {
        this.again = false
        await this.readAll()
      } while (this.again && !this.stopped)
    })().finally(() => (this.refreshing = undefined))
    return this.refreshing
  }

  private async readAll(): Promise<void> {
    const seen = new Map<string, IcePath>()
    for (const conn of this.node.getConnections()) {
      if (conn.limits != null || conn.status !== 'open') continue
      const path = await readIcePath(conn)
      const peer = conn.remotePeer.toString()
      // Two connections to one peer (both dialed at once): the direct one wins.
      if (path && (!seen.has(peer) || path.kind === 'direct')) seen.set(peer, path)
    }
    if (this.stopped) return
    let changed = seen.size !== this.paths.size
    for (const [peer, path] of seen) {
      const before = this.paths.get(peer)
      if (!before || before.kind !== path.kind || before.types !== path.types) changed = true
    }
    if (!changed) return
    this.paths.clear()
    for (const [peer, path] of seen) this.paths.set(peer, path)
    this.onChange()
  }
}
