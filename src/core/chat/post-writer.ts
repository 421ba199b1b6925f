import type { PostRow, RodaDB } from '../store/db.ts'
import { putPosts } from '../store/repo.ts'

/**
 * Collects verified posts and writes them in one IndexedDB transaction per burst: one
 * transaction per post costs far more than the post itself when many arrive at once.
 */
export class PostWriter {
  private queue: PostRow[] = []
  private flushing: Promise<void> | undefined

  constructor(private readonly db: RodaDB) {}

  add(row: PostRow): Promise<void> {
    this.queue.push(row)
    this.flushing ??= new Promise<void>((resolve) => setTimeout(resolve, 0)).then(() => this.flush())
    return this.flushing
  }

  private async flush(): Promise<void> {
    const rows = this.queue
    this.queue = []
    this.flushing = undefined
    await putPosts(this.db, rows)
  }
}
