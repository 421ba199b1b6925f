import { comparePosts } from '../order/order.ts'
import type { PostRow, RodaDB } from '../store/db.ts'
import { Observable } from '../observable.ts'

/** What a room view shows of a post: the stored row without the bytes kept for re-sharing. */
export type TimelineRow = Omit<PostRow, 'signed' | 'sig'>

// The newest posts are read first so a room is on screen in one small query; the rest of the
// history follows in the background.
const FIRST_PAGE = 100
const REST_AFTER_MS = 1_000
// A post that arrives on its own is shown at once; posts that arrive in a burst (closer than
// BURST_GAP_MS to the last notification) are gathered and shown together once per frame, so
// 1,000 posts are a few dozen renders, not 1,000.
const BURST_GAP_MS = 4
const NOTIFY_EVERY_MS = 16

function toRow({ signed: _s, sig: _g, ...row }: PostRow): TimelineRow {
  return row
}

/**
 * A room's posts in display order, in memory: the read model of the store for the room view.
 * Writes go to IndexedDB as before; the timeline is fed by the same verified path at the same
 * time, so a post is drawn without waiting for a database round trip and re-query, and the view
 * never re-reads the whole window for one new row.
 */
export class Timeline extends Observable<readonly TimelineRow[]> {
  private rows: TimelineRow[] = []
  private readonly byId = new Map<string, TimelineRow>()
  private readonly pairs = new Set<string>()
  private authorsChanged = false
  /**
   * Every distinct `author:name` pair that wrote in the room, one per line, in order of first
   * appearance: labels (fingerprints where names clash) need it, and it changes far less often
   * than the posts, so it is kept here rather than recomputed from every post on every change.
   */
  readonly authors = new Observable<string>('')
  private lastNotify = -Infinity
  // The draw already scheduled: in a microtask, after a burst's frame, or later (see upsert).
  private pending: { kind: 'microtask' } | { kind: 'burst' | 'later'; timer: ReturnType<typeof setTimeout> } | undefined
  /** True once the whole history is in memory (the first page comes before it). */
  complete = false

  constructor() {
    super([])
  }

  /** Loads the newest posts, then (without waiting) the rest. */
  static async open(db: RodaDB, roomId: string): Promise<Timeline> {
    const t = new Timeline()
    const where = () => db.posts.where('[room+lamport+id]').between([roomId, -Infinity, ''], [roomId, Infinity, '\uffff'])
    const newest = await where().reverse().limit(FIRST_PAGE).toArray()
    t.upsert(newest.map(toRow))
    if (newest.length < FIRST_PAGE) t.complete = true
    else
      // After the first paint, not competing with it.
      setTimeout(() => {
        void where()
          .toArray()
          .then((all) => {
            t.upsert(all.map(toRow))
            t.complete = true
          })
      }, REST_AFTER_MS)
    return t
  }

  /**
   * Adds or replaces rows. `received`: posts just verified off the network, drawn in this very
   * task (see schedule); anything else (our own post, receipts, history) in a later one, no
   * sooner than `after` milliseconds from now unless something else is drawn first.
   */
  upsert(rows: Iterable<TimelineRow | PostRow>, { received = false, after = 0 } = {}): void {
    let appendOnly = true
    let changed = false
    for (const input of rows) {
      const row = 'signed' in input ? toRow(input) : input
      const old = this.byId.get(row.id)
      this.byId.set(row.id, row)
      changed = true
      if (old) {
        this.rows[this.indexOf(old)] = row
        continue
      }
      const last = this.rows[this.rows.length - 1]
      if (last && comparePosts(last, row) > 0) appendOnly = false
      this.rows.push(row)
      const pair = `${row.author}:${row.name}`
      if (!this.pairs.has(pair)) {
        this.pairs.add(pair)
        this.authorsChanged = true
      }
    }
    if (!changed) return
    if (!appendOnly) this.rows.sort(comparePosts)
    this.schedule(received, after)
  }

  has(id: string): boolean {
    return this.byId.has(id)
  }

  private indexOf(row: TimelineRow): number {
    // Binary search by order key; rows never change their key.
    let lo = 0
    let hi = this.rows.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const c = comparePosts(this.rows[mid]!, row)
      if (c === 0) return mid
      if (c < 0) lo = mid + 1
      else hi = mid - 1
    }
    return this.rows.findIndex((r) => r.id === row.id)
  }

  private schedule(received: boolean, after: number): void {
    const pending = this.pending
    if (pending?.kind === 'microtask' || pending?.kind === 'burst') return
    const since = performance.now() - this.lastNotify
    if (since < BURST_GAP_MS) {
      if (pending) return
      this.pending = { kind: 'burst', timer: setTimeout(() => this.flush(), NOTIFY_EVERY_MS - since) }
    } else if (received) {
      // A post someone else wrote is drawn before this task ends (in the microtask below),
      // and takes along whatever was waiting to be drawn later (our own post, say).
      // The network work it may hold back is gossipsub forwarding it, which members rarely need:
      // the author's flood publish reaches them first-hand. Waiting for the next task instead
      // cost about 0.06 ms more (median, latency benchmark) of a send-to-screen time near 2 ms.
      if (pending) clearTimeout(pending.timer)
      this.pending = { kind: 'microtask' }
      queueMicrotask(() => this.flush())
    } else if (!pending) {
      // Never synchronously, nor in this task: a listener may render, and that must not run
      // before the network work of the current task (sending our own post).
      this.pending = { kind: 'later', timer: setTimeout(() => this.flush(), after) }
    }
  }

  private flush(): void {
    this.pending = undefined
    this.lastNotify = performance.now()
    // Both in one task, so a view reading both draws once.
    if (this.authorsChanged) {
      this.authorsChanged = false
      this.authors.set([...this.pairs].join('\n'))
    }
    this.set(this.rows.slice())
  }
}
