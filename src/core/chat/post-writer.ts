import type { PostRow, RodaDB } from '../store/db.ts'
import { putPosts } from '../store/repo.ts'

/**
 * How long a post received in a burst may wait to be written with the ones after it. It is
 * already verified, indexed and on screen, and its author and other members still hold it,
 * so a tab closed in this window loses nothing that sync does not bring back; meanwhile a busy
 * room costs one IndexedDB transaction per few posts instead of one per post (each one costs a
 * millisecond or more of the page's main thread).
 */
export const RECEIVED_WRITE_DELAY_MS = 50
/**
 * Posts that come closer together than this are a burst. A post after a quiet moment (a lone
 * one, or the first of a burst) is written at once: waiting for company that does not come only
 * moved its write onto the next post's way in (on the benchmark's shared 2 cores, posts 15 ms
 * apart were drawn 0.15-0.25 ms later, as a median, when the one before was written 50 ms
 * after it rather than at once).
 */
export const BURST_GAP_MS = 10

/**
 * Collects verified posts and writes them in one IndexedDB transaction per batch: one
 * transaction per post costs far more than the post itself when many arrive at once.
 */
export class PostWriter {
  private queue: PostRow[] = []
  private batch: { done: Promise<void>; resolve: () => void; reject: (e: unknown) => void } | undefined
  private timer: ReturnType<typeof setTimeout> | undefined
  private due = Infinity
  private writing: Promise<void> = Promise.resolve()
  private lastReceived = -Infinity

  constructor(private readonly db: RodaDB) {}

  /**
   * Queues a row; resolves once it is stored. `delay`: how long it may wait for company or
   * for the CPU to be free (see addReceived, and AFTER_SENDING_MS for our own posts).
   */
  add(row: PostRow, delay = 0): Promise<void> {
    this.queue.push(row)
    this.batch ??= deferred()
    const due = performance.now() + delay
    if (due < this.due) {
      clearTimeout(this.timer)
      this.due = due
      this.timer = setTimeout(() => void this.flush(), delay)
    }
    return this.batch.done
  }

  /** A post from the network: written at once after a quiet moment, gathered in a burst. */
  addReceived(row: PostRow): Promise<void> {
    const now = performance.now()
    const burst = now - this.lastReceived < BURST_GAP_MS
    this.lastReceived = now
    return this.add(row, burst ? RECEIVED_WRITE_DELAY_MS : 0)
  }

  /**
   * Writes whatever is queued now and waits until everything added so far is stored (before
   * reading posts back, and when the page is hidden). Never throws: failures go to `add`'s caller.
   */
  async flush(): Promise<void> {
    clearTimeout(this.timer)
    this.timer = undefined
    this.due = Infinity
    const rows = this.queue
    const batch = this.batch
    this.queue = []
    this.batch = undefined
    if (batch) {
      // One batch after the other, so "flushed" means every earlier batch too.
      const write = this.writing.then(() => putPosts(this.db, rows))
      write.then(batch.resolve, batch.reject)
      this.writing = write.catch(() => {})
    }
    await this.writing
  }
}

function deferred() {
  let resolve!: () => void
  let reject!: (e: unknown) => void
  const done = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  // A failed batch is reported to whoever awaits it; nobody awaiting is not a crash.
  done.catch(() => {})
  return { done, resolve, reject }
}
