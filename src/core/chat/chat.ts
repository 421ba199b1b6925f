import { bytesToHex } from '../bytes.ts'
import { Observable } from '../observable.ts'
import { deriveRoomKeys, generateRoomSecret } from '../room/room-keys.ts'
import type { RodaDB, RoomRow } from '../store/db.ts'
import { loadIdentityRow, renameSelf, saveIdentityRow, setRoomTitle, upsertRoom } from '../store/repo.ts'
import type { Network } from '../net/network.ts'
import { MAX_NAME, MAX_TEXT } from '../wire/limits.ts'
import type { RelayStatus } from '../net/relay-link.ts'
import { ConnectivityTracker } from '../net/connectivity.ts'
import { UnreadCounts } from './unread.ts'
import { PostWriter } from './post-writer.ts'
import { loadEngine } from './engine-loader.ts'
import { Rejections } from './rejections.ts'
import { RoomChannel, type ChannelContext, type Me } from './room-channel.ts'
import type { SyncResult } from '../net/sync-protocol.ts'

const SYNC_LOG_SIZE = 50

export interface SelfView {
  name: string
  publicKeyHex: string
}

/** Cuts to at most `max` UTF-16 units without splitting a surrogate pair. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text
  const cut = text.slice(0, max)
  return /[\ud800-\udbff]$/.test(cut) ? cut.slice(0, -1) : cut
}

/** A display name the wire format accepts (PROTOCOL.md §2): no control characters, 1–64 units. */
export function cleanName(name: string): string {
  return truncate(name.replace(/\p{Cc}/gu, '').trim(), MAX_NAME).trim()
}

/**
 * The application core: the device identity, the rooms it is in, and (once loaded) the
 * network. The UI calls these commands and reads everything else from the database.
 */
export class Chat {
  readonly self: Observable<SelfView | undefined>
  readonly relayStatus = new Observable<RelayStatus>({ state: 'connecting' })
  /** Online, connecting or offline, in people's terms (the header shows it). */
  private readonly connectivityTracker = new ConnectivityTracker()
  readonly connectivity = this.connectivityTracker.state
  readonly rejections = new Rejections()
  /** Unread posts per room; follows the database while the UI watches it. */
  readonly unread: UnreadCounts
  /** The latest completed sync sessions, newest last (diagnostics, benchmarks). */
  readonly syncLog: Array<SyncResult & { room: string; at: number }> = []
  private readonly rooms = new Map<string, RoomChannel>()
  private readonly opening = new Map<string, Promise<RoomChannel>>()
  private readonly context: ChannelContext
  private net: Network | undefined
  private unwatchNet: Array<() => void> = []

  private constructor(
    readonly db: RodaDB,
    private me: Me | undefined,
  ) {
    this.self = new Observable(me ? view(me) : undefined)
    // Before the network exists (loading, or it failed to start) the relay status is set here.
    this.relayStatus.subscribe(() => this.connectivityTracker.update({ relay: this.relayStatus.value.state }))
    this.unread = new UnreadCounts(db, () => this.self.value?.publicKeyHex)
    this.context = {
      db,
      me: () => this.requireMe(),
      writer: new PostWriter(db),
      rejections: this.rejections,
      synced: (room, result) => {
        this.syncLog.push({ ...result, room, at: Date.now() })
        if (this.syncLog.length > SYNC_LOG_SIZE) this.syncLog.shift()
      },
    }
  }

  static async load(db: RodaDB): Promise<Chat> {
    const row = await loadIdentityRow(db)
    return new Chat(db, row ? { publicKey: row.publicKey, secretKey: row.secretKey, name: row.name } : undefined)
  }

  /** Resolves once every post verified or written so far is in the database. */
  stored(): Promise<void> {
    return this.context.writer.flush()
  }

  /** First run: make this device's key pair. The secret key stays in IndexedDB. */
  async createIdentity(name: string): Promise<void> {
    const clean = cleanName(name)
    if (!clean) throw new Error('A display name is needed')
    if (this.me) return this.rename(clean)
    const id = await (await loadEngine()).generateIdentity()
    await saveIdentityRow(this.db, { id: 'self', publicKey: id.publicKey, secretKey: id.secretKey, name: clean, createdAt: Date.now() })
    this.me = { ...id, name: clean }
    this.self.set(view(this.me))
  }

  async rename(name: string): Promise<void> {
    const clean = cleanName(name)
    if (!clean || !this.me) return
    await renameSelf(this.db, clean)
    this.me = { ...this.me, name: clean }
    this.self.set(view(this.me))
  }

  async createRoom(title: string): Promise<RoomRow> {
    return this.joinRoom(generateRoomSecret(), title)
  }

  /** Opening a link: remember the room and start taking part in it. Idempotent. */
  async joinRoom(secret: Uint8Array, title = ''): Promise<RoomRow> {
    const keys = deriveRoomKeys(secret)
    const row = await upsertRoom(this.db, { id: keys.roomIdHex, secret, title: title.trim() })
    await this.openChannel(row)
    return row
  }

  async setTitle(roomId: string, title: string): Promise<void> {
    await setRoomTitle(this.db, roomId, title.trim().slice(0, 80))
  }

  channel(roomId: string): RoomChannel | undefined {
    return this.rooms.get(roomId)
  }

  async send(roomId: string, text: string): Promise<void> {
    const trimmed = text.trim()
    if (!trimmed) return
    if (trimmed.length > MAX_TEXT) throw new Error(`A post can have at most ${MAX_TEXT} characters`)
    const ch = this.rooms.get(roomId)
    if (!ch) throw new Error('Not in this room')
    try {
      await ch.send(trimmed)
    } catch (e) {
      const { PayloadError } = await loadEngine()
      if (e instanceof PayloadError && e.code === 'too-large') throw new Error('This post is too long to send: please shorten it', { cause: e })
      throw e
    }
  }

  /**
   * Opens every stored room so it validates and publishes as soon as a network exists. The room
   * on screen is opened first by joinRoom; the others follow without holding up the first paint.
   */
  async openRooms(rows: RoomRow[]): Promise<void> {
    await Promise.all(rows.map((r) => this.openChannel(r)))
  }

  attachNetwork(net: Network): void {
    this.net = net
    this.unwatchNet = [
      net.relayStatus.subscribe(() => this.relayStatus.set(net.relayStatus.value)),
      net.connectedPeers.subscribe(() => this.connectivityTracker.update({ connectedPeers: net.connectedPeers.value })),
    ]
    this.relayStatus.set(net.relayStatus.value)
    for (const ch of this.rooms.values()) ch.attach(net)
  }

  get network(): Network | undefined {
    return this.net
  }

  /** The browser says the device gained or lost its network (online/offline events). */
  setBrowserOnline(online: boolean): void {
    this.connectivityTracker.browserOnline(online)
    // Back online: retry everything now. Offline: check the relay link at once rather than at
    // the next ping; a relay on this same computer answers, and "online" comes back.
    if (online) this.net?.wake()
    else this.net?.recheckRelay()
  }

  /** "Retry now": reach the relay and every unreachable peer again without waiting. */
  retryNow(): void {
    this.net?.wake()
  }

  /** Leaves the network; what is still waiting to be written is written first. */
  async stop(): Promise<void> {
    const written = this.stored()
    for (const unwatch of this.unwatchNet) unwatch()
    this.unwatchNet = []
    for (const ch of this.rooms.values()) ch.detach()
    await Promise.all([written, this.net?.stop()])
    this.net = undefined
  }

  private openChannel(row: RoomRow): Promise<RoomChannel> {
    let opening = this.opening.get(row.id)
    if (!opening) {
      opening = RoomChannel.open(deriveRoomKeys(row.secret), this.context).then((ch) => {
        this.rooms.set(row.id, ch)
        if (this.net) ch.attach(this.net)
        return ch
      })
      this.opening.set(row.id, opening)
    }
    return opening
  }

  /** The device identity, secret key included: for code running in this page only. */
  currentIdentity(): Me | undefined {
    return this.me
  }

  private requireMe(): Me {
    if (!this.me) throw new Error('No identity yet')
    return this.me
  }
}

function view(me: Me): SelfView {
  return { name: me.name, publicKeyHex: bytesToHex(me.publicKey) }
}
