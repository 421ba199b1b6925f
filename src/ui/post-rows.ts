import type { TimelineRow } from '../core/chat/timeline.ts'
import type { Translator } from './i18n/index.ts'
import { labelFor, shortFingerprint } from './labels.ts'

/**
 * Posts are the one part of the page drawn by hand rather than by React. The list changes with
 * every post, and React's work for one new row (scheduling, reconciling, committing: about
 * 0.3 ms on the benchmark's cores) was the largest single step of a post's way from one screen
 * to another, larger than signing or verifying it. Building the row's few elements directly
 * costs a fraction of that. The markup is what React drew (tests and screen readers rely on
 * it), and it is made with textContent only: a post's text is never parsed as HTML.
 */

/** What a row shows besides the post itself. */
export interface RowContext {
  /** `author:name` → the label to show (with a fingerprint where names clash). */
  labels: Map<string, string>
  selfKey: string
  tr: Translator
}

const labelOf = (p: TimelineRow, c: RowContext): string => labelFor(c.labels, p.author, p.name)

function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag)
  if (className) e.className = className
  if (text !== undefined) e.textContent = text
  return e
}

/** One post as a list item. */
function drawPost(p: TimelineRow, c: RowContext): HTMLLIElement {
  const li = document.createElement('li')
  fillPost(li, p, c)
  return li
}

/**
 * Makes `li` show the post: its class, data attributes and contents. Other attributes are left
 * alone (the long list's rows carry the virtualiser's position too).
 */
export function fillPost(li: HTMLLIElement, p: TimelineRow, c: RowContext): void {
  const mine = p.author === c.selfKey
  li.className = mine ? 'message mine' : 'message'
  li.dataset.testid = 'message'
  li.dataset.authorKey = p.author
  li.dataset.id = p.id
  // Someone else's post is held by at least its author's device and ours: it is sent.
  li.dataset.status = mine ? (p.status ?? 'sent') : 'sent'
  const time = el('time', undefined, c.tr.formatPostTime(p.ts))
  time.dateTime = new Date(p.ts).toISOString()
  time.title = c.tr.formatFullDate(p.ts)
  const text = el('p', undefined, p.text)
  text.dataset.testid = 'message-text'
  li.replaceChildren(...drawAuthor(p, c), time, ...(mine ? [drawReceipt(p, c.tr)] : []), text)
}

/** The author's label, and the fingerprint beside it unless the label already holds it. */
function drawAuthor(p: TimelineRow, c: RowContext): HTMLElement[] {
  const label = labelOf(p, c)
  const author = el('span', 'author', label)
  author.dataset.testid = 'message-author'
  author.title = c.tr.tOnce('messages.keyTitle', { key: p.author })
  const fp = shortFingerprint(p.author)
  if (label.includes(fp)) return [author]
  const fpEl = el('span', 'fp', `#${fp}`)
  fpEl.setAttribute('aria-hidden', 'true')
  return [author, fpEl]
}

/** Waiting until another device is known to hold the post; then how many members' devices do. */
function drawReceipt(p: TimelineRow, tr: Translator): HTMLElement {
  const receipt = el('span', 'receipt')
  receipt.dataset.testid = 'receipt'
  if (p.status === 'pending') {
    receipt.title = tr.t('receipt.waitingTitle')
    receipt.textContent = `· ${tr.t('receipt.waiting')}`
    return receipt
  }
  const n = p.seenBy?.length ?? 0
  const title = n ? tr.t('receipt.heldBy', { count: n }) : tr.t('receipt.delivered')
  receipt.dataset.count = String(n)
  receipt.title = title
  const mark = el('span', undefined, `· ✓${n > 1 ? ` ${n}` : ''}`)
  mark.setAttribute('aria-hidden', 'true')
  receipt.append(mark, el('span', 'sr-only', title))
  return receipt
}

interface Shown {
  post: TimelineRow
  label: string
  li: HTMLLIElement
}

/**
 * Keeps a list element's children equal to a room's posts. A post that is new gets a row; one
 * whose row object changed (a receipt: rows are immutable) gets its receipt redrawn in place;
 * a changed label (a second author with the same name appeared) is redrawn in place too; a row
 * out of place is moved. Nothing else is touched, so text someone is selecting stays selected.
 * Another language or another self redraws every row.
 */
export class PostRows {
  private readonly shown = new Map<string, Shown>()
  private drawnWith: RowContext | undefined
  private posts: readonly TimelineRow[] = []

  constructor(private readonly list: HTMLElement) {}

  show(posts: readonly TimelineRow[], c: RowContext): void {
    if (c.tr !== this.drawnWith?.tr || c.selfKey !== this.drawnWith.selfKey) {
      // Another language (every time, title and receipt changes) or another self: all anew.
      for (const s of this.shown.values()) s.li.remove()
      this.shown.clear()
      this.posts = []
    }
    // The usual change is a post added at the end: the rows before it, the same objects with
    // the same labels as last time, are skipped without a look.
    let from = 0
    if (c.labels === this.drawnWith?.labels) {
      const last = this.posts
      while (from < posts.length && from < last.length && posts[from] === last[from]) from++
    }
    let cursor: ChildNode | null = from === 0 ? this.list.firstChild : this.shown.get(posts[from - 1]!.id)!.li.nextSibling
    for (let i = from; i < posts.length; i++) {
      const p = posts[i]!
      let s = this.shown.get(p.id)
      if (!s) {
        s = { post: p, label: labelOf(p, c), li: drawPost(p, c) }
        this.shown.set(p.id, s)
      } else {
        if (s.post !== p) this.redrawReceipt(s, p, c)
        const label = labelOf(p, c)
        if (label !== s.label) this.redrawAuthor(s, p, c, label)
      }
      if (s.li === cursor) cursor = cursor.nextSibling
      else this.list.insertBefore(s.li, cursor)
    }
    // Whatever is left after the posts is no longer among them: another room's, when the same
    // list is handed another room's timeline.
    while (cursor) {
      const next: ChildNode | null = cursor.nextSibling
      cursor.remove()
      cursor = next
    }
    if (this.shown.size > posts.length) {
      const ids = new Set(posts.map((p) => p.id))
      for (const id of this.shown.keys()) if (!ids.has(id)) this.shown.delete(id)
    }
    // Only once the list is drawn: skipping rows next time relies on it matching `posts`.
    this.drawnWith = c
    this.posts = posts
  }

  private redrawReceipt(s: Shown, p: TimelineRow, c: RowContext): void {
    s.post = p
    if (p.author !== c.selfKey) return
    s.li.dataset.status = p.status ?? 'sent'
    s.li.querySelector('.receipt')?.replaceWith(drawReceipt(p, c.tr))
  }

  private redrawAuthor(s: Shown, p: TimelineRow, c: RowContext, label: string): void {
    s.label = label
    const old = s.li.querySelectorAll('.author, .fp')
    const [first] = old
    first?.before(...drawAuthor(p, c))
    for (const e of old) e.remove()
  }
}
