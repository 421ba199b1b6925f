import Dexie from 'dexie'
import { Observable } from '../observable.ts'
import type { RodaDB } from '../store/db.ts'
import { markRoomRead, unreadByRoom } from '../store/repo.ts'

// Counting unread posts is a database query per room. Running it for every stored post made a
// busy room cost several IndexedDB transactions per post on every device; counts a moment late
// are fine for a badge, so the query runs at most this often.
const REFRESH_MS = 500
// While a room is being read its count is zero by definition; the read marker that keeps it so
// after a reload is saved at most this often (and once more when reading stops).
const MARK_EVERY_MS = 2_000

/**
 * Unread posts per room (rooms with none are absent), for badges, the title and notifications.
 * Follows the database, so posts stored by another tab of this device count too.
 */
export class UnreadCounts extends Observable<ReadonlyMap<string, number>> {
  private readingRoom: string | undefined
  private refreshTimer: ReturnType<typeof setTimeout> | undefined
  private lastRefresh = -Infinity
  private refreshing: Promise<void> | undefined
  private markTimer: ReturnType<typeof setTimeout> | undefined
  private marking: Promise<void> | undefined
  private lastMark = -Infinity
  private watchers = 0
  private unwatch: (() => void) | undefined

  constructor(
    private readonly db: RodaDB,
    private readonly selfKey: () => string | undefined,
  ) {
    super(new Map())
  }

  /** Follows the database while anyone is watching; returns how to stop watching. */
  watch(): () => void {
    if (this.watchers++ === 0) this.unwatch = this.follow()
    let stopped = false
    return () => {
      if (stopped) return
      stopped = true
      if (--this.watchers === 0) this.unwatch?.()
    }
  }

  private follow(): () => void {
    const posts = `idb://${this.db.name}/posts/`
    const rooms = `idb://${this.db.name}/rooms/`
    const onMutated = (parts: Record<string, unknown>) => {
      const keys = Object.keys(parts)
      const postsChanged = keys.some((k) => k.startsWith(posts))
      if (!postsChanged && !keys.some((k) => k.startsWith(rooms))) return
      this.refreshSoon()
      // Only new posts move the marker: saving it is itself a change to rooms.
      if (postsChanged && this.readingRoom) this.markSoon()
    }
    Dexie.on('storagemutated', onMutated)
    this.refreshSoon()
    return () => {
      Dexie.on('storagemutated').unsubscribe(onMutated)
      clearTimeout(this.refreshTimer)
      this.refreshTimer = undefined
    }
  }

  /**
   * The user is reading this room (open, in a visible tab): it has nothing unread, now or while
   * posts keep arriving. Returns how to stop; the read marker is saved once more then.
   */
  read(roomId: string): () => void {
    this.readingRoom = roomId
    this.publish(this.value)
    void this.mark(roomId)
    return () => {
      if (this.readingRoom !== roomId) return
      this.readingRoom = undefined
      clearTimeout(this.markTimer)
      this.markTimer = undefined
      void this.mark(roomId).then(() => this.refreshSoon())
    }
  }

  /** Waits until the counts reflect every write so far (the marker saved while reading aside). */
  async settled(): Promise<void> {
    while (this.refreshTimer !== undefined || this.refreshing || this.marking) {
      await (this.refreshing ?? this.marking ?? new Promise((r) => setTimeout(r, 10)))
    }
  }

  private refreshSoon(): void {
    if (this.refreshTimer !== undefined) return
    const wait = Math.max(0, this.lastRefresh + REFRESH_MS - performance.now())
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined
      this.lastRefresh = performance.now()
      this.refreshing = this.refresh().finally(() => (this.refreshing = undefined))
    }, wait)
  }

  private async refresh(): Promise<void> {
    const self = this.selfKey()
    if (self === undefined) return
    this.publish(await unreadByRoom(this.db, self, this.readingRoom))
  }

  private markSoon(): void {
    if (this.markTimer !== undefined) return
    const room = this.readingRoom
    const wait = Math.max(0, this.lastMark + MARK_EVERY_MS - performance.now())
    this.markTimer = setTimeout(() => {
      this.markTimer = undefined
      if (room && room === this.readingRoom) void this.mark(room)
    }, wait)
  }

  private mark(roomId: string): Promise<void> {
    this.lastMark = performance.now()
    const done = markRoomRead(this.db, roomId).finally(() => {
      if (this.marking === done) this.marking = undefined
    })
    this.marking = done
    return done
  }

  /** The room being read shows nothing unread even before its marker is saved. */
  private publish(counts: ReadonlyMap<string, number>): void {
    const reading = this.readingRoom
    const next = reading && counts.has(reading) ? new Map([...counts].filter(([id]) => id !== reading)) : counts
    if (sameCounts(next, this.value)) return
    this.set(next)
  }
}

function sameCounts(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): boolean {
  if (a.size !== b.size) return false
  for (const [k, v] of a) if (b.get(k) !== v) return false
  return true
}
