import { memo, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { Observable } from '../core/observable.ts'
import type { TimelineRow } from '../core/chat/timeline.ts'
import { shortFingerprint } from './labels.ts'
import { useT } from './i18n/index.ts'

// Up to this many posts every row is in the page (find-in-page, screen readers and tests see
// them all); longer rooms are virtualised so only the rows near the viewport exist.
const FULL_RENDER_LIMIT = 1000

type Posts = Observable<readonly TimelineRow[]>

interface ListProps {
  timeline: Posts
  labels: Map<string, string>
  selfKey: string
}

/**
 * The room's posts. It reads the timeline itself, piece by piece, rather than taking the posts
 * as a prop: a new post then redraws the block it landed in, not the list (see FullList).
 */
export const MessageList = memo(function PostList(props: ListProps) {
  const { timeline } = props
  const long = useSyncExternalStore(timeline.subscribe, () => timeline.value.length > FULL_RENDER_LIMIT)
  return long ? <VirtualList {...props} /> : <FullList {...props} />
})

// Keys that move a focused list (it is focusable) back towards older posts.
const KEYS_UP = new Set(['ArrowUp', 'PageUp', 'Home'])
// A scroll this soon after the reader moved towards older posts is the reader's; any other is
// the page's own (new posts making the list longer, our scrolling to the end, a long room's
// rows being measured and the list's height corrected).
const INTENT_MS = 1_000

/**
 * Keeps the view pinned to the newest post while the reader is at the bottom. Only the reader
 * unpins it, by scrolling back (wheel or finger towards older posts, ↑/PgUp/Home, the
 * scrollbar): while history pours in, the list grows between our scrolling to the end and the
 * scroll event, and judging by position alone left a late joiner stuck in the middle of a
 * 10,000-post room. Returns `followEnd`, to call whenever the end may have moved (a post, a
 * re-measure); the list's own size is watched here.
 */
function useStickToBottom(scroller: React.RefObject<HTMLElement | null>, scrollToEnd: (el: HTMLElement) => void): () => void {
  const atBottom = useRef(true)
  const latest = useRef(scrollToEnd)
  const frame = useRef(0)
  useLayoutEffect(() => {
    latest.current = scrollToEnd
  })
  // In the next frame, not now: scrolling to the end needs the new layout, and asking for it
  // here would lay the page out once more per post, before the browser does so for the frame.
  const [followEnd] = useState(() => () => {
    const el = scroller.current
    if (!el || !atBottom.current) return
    cancelAnimationFrame(frame.current)
    frame.current = requestAnimationFrame(() => latest.current(el))
  })
  useEffect(() => {
    const el = scroller.current
    if (!el) return
    // The list getting shorter (a phone's keyboard, the header growing above it) moves its end
    // out of view without any post or scroll: a pinned view follows that too.
    const resized = new ResizeObserver(followEnd)
    resized.observe(el)
    let backAt = -Infinity
    let touchY = 0
    const back = () => {
      backAt = performance.now()
    }
    const onWheel = (e: WheelEvent) => e.deltaY < 0 && back()
    const onKey = (e: KeyboardEvent) => KEYS_UP.has(e.key) && back()
    const onTouchStart = (e: TouchEvent) => {
      touchY = e.touches[0]?.clientY ?? 0
    }
    const onTouchMove = (e: TouchEvent) => {
      const y = e.touches[0]?.clientY ?? touchY
      // A finger moving down drags older posts into view.
      if (y > touchY) back()
      touchY = y
    }
    // On the scrollbar (past the content's width): which way it will be dragged is not known.
    const onPointerDown = (e: PointerEvent) => e.offsetX >= el.clientWidth && back()
    const onScroll = () => {
      if (el.scrollHeight - el.scrollTop - el.clientHeight < 80) atBottom.current = true
      else if (performance.now() - backAt < INTENT_MS) atBottom.current = false
    }
    const listeners = [
      ['wheel', onWheel],
      ['keydown', onKey],
      ['touchstart', onTouchStart],
      ['touchmove', onTouchMove],
      ['pointerdown', onPointerDown],
      ['scroll', onScroll],
    ] as const
    for (const [type, fn] of listeners) el.addEventListener(type, fn as EventListener, { passive: true })
    return () => {
      resized.disconnect()
      cancelAnimationFrame(frame.current)
      for (const [type, fn] of listeners) el.removeEventListener(type, fn as EventListener)
    }
  }, [scroller, followEnd])
  return followEnd
}

// The full list is drawn in blocks of this many posts. Each block watches its own posts and is
// redrawn only when one of them changed; the list itself only when a block is added (or the
// labels change). A new post thus redraws one block of a few rows: React's work no longer
// grows with the room (with the list redrawing all its blocks, that work was about 0.2 ms of a
// 0.5 ms draw at 300 posts).
const BLOCK_SIZE = 12

function FullList({ timeline, labels, selfKey }: ListProps) {
  const scroller = useRef<HTMLOListElement>(null)
  const { t } = useT()
  const blockCount = useSyncExternalStore(timeline.subscribe, () => Math.ceil(timeline.value.length / BLOCK_SIZE))
  const followEnd = useStickToBottom(scroller, (el) => el.scrollTo({ top: el.scrollHeight }))
  useLayoutEffect(() => {
    followEnd()
    return timeline.subscribe(followEnd)
  }, [timeline, followEnd])
  const blocks = []
  for (let i = 0; i < blockCount; i++) blocks.push(<Block key={i} timeline={timeline} from={i * BLOCK_SIZE} labels={labels} selfKey={selfKey} />)
  // Not a live region (every receipt change would be read out): RoomView announces new posts.
  // Focusable, so the history scrolls with the keyboard.
  return (
    <ol className="messages" aria-label={t('messages.label')} tabIndex={0} ref={scroller}>
      {blocks}
    </ol>
  )
}

/**
 * The posts from `from` on, at most a block of them, as one value that stays the same object
 * while they do (rows are immutable: a changed post, a receipt say, is a new object).
 */
function blockOf(timeline: Posts, from: number): () => readonly TimelineRow[] {
  let last: readonly TimelineRow[] = []
  return () => {
    const all = timeline.value
    const to = Math.min(from + BLOCK_SIZE, all.length)
    let same = last.length === Math.max(0, to - from)
    for (let i = 0; same && i < last.length; i++) same = last[i] === all[from + i]
    if (!same) last = all.slice(from, to)
    return last
  }
}

const Block = memo(function BlockRows({ timeline, from, labels, selfKey }: { timeline: Posts; from: number; labels: Map<string, string>; selfKey: string }) {
  const snapshot = useMemo(() => blockOf(timeline, from), [timeline, from])
  const posts = useSyncExternalStore(timeline.subscribe, snapshot)
  return posts.map((p) => <MessageItem key={p.id} post={p} label={labels.get(`${p.author}:${p.name}`) ?? p.name} mine={p.author === selfKey} />)
})

function VirtualList({ timeline, labels, selfKey }: ListProps) {
  const posts = useSyncExternalStore(timeline.subscribe, timeline.getSnapshot)
  const scroller = useRef<HTMLDivElement>(null)
  const { t } = useT()
  // eslint-disable-next-line react-hooks/incompatible-library -- read afresh on every render on purpose
  const virtualizer = useVirtualizer({
    count: posts.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 64,
    overscan: 20,
    getItemKey: (i) => posts[i]!.id,
  })
  // The total height changes as rows are measured: the end moves, and a pinned view follows it.
  const followEnd = useStickToBottom(scroller, () => virtualizer.scrollToIndex(posts.length - 1, { align: 'end' }))
  const total = virtualizer.getTotalSize()
  useLayoutEffect(followEnd, [posts.length, total, followEnd])
  const items = virtualizer.getVirtualItems()
  return (
    <div className="messages" ref={scroller} role="region" aria-label={t('messages.label')} tabIndex={0}>
      <ol style={{ height: virtualizer.getTotalSize(), position: 'relative', margin: 0, padding: 0 }}>
        {items.map((v) => {
          const p = posts[v.index]!
          return (
            <div key={v.key} data-index={v.index} ref={virtualizer.measureElement} style={{ position: 'absolute', top: 0, left: 0, right: 0, transform: `translateY(${v.start}px)` }}>
              <MessageItem post={p} label={labels.get(`${p.author}:${p.name}`) ?? p.name} mine={p.author === selfKey} />
            </div>
          )
        })}
      </ol>
    </div>
  )
}

const MessageItem = memo(function MessageRow({ post: p, label, mine }: { post: TimelineRow; label: string; mine: boolean }) {
  const fp = shortFingerprint(p.author)
  const tr = useT()
  return (
    <li
      className={mine ? 'message mine' : 'message'}
      data-testid="message"
      data-author-key={p.author}
      data-id={p.id}
      // Someone else's post is held by at least its author's device and ours: it is sent.
      data-status={mine ? (p.status ?? 'sent') : 'sent'}
    >
      <span className="author" data-testid="message-author" title={tr.tOnce('messages.keyTitle', { key: p.author })}>
        {label}
      </span>
      {/* The fingerprint is always there to compare; inside the label itself when names clash. */}
      {!label.includes(fp) && (
        <span className="fp" aria-hidden="true">
          #{fp}
        </span>
      )}
      <time dateTime={new Date(p.ts).toISOString()} title={tr.formatFullDate(p.ts)}>
        {tr.formatPostTime(p.ts)}
      </time>
      {mine && <Receipt post={p} />}
      <p data-testid="message-text">{p.text}</p>
    </li>
  )
})

/** Waiting until another device is known to hold the post; then how many members' devices do. */
function Receipt({ post }: { post: TimelineRow }) {
  const { t } = useT()
  if (post.status === 'pending') {
    return (
      <span className="receipt" data-testid="receipt" title={t('receipt.waitingTitle')}>
        · {t('receipt.waiting')}
      </span>
    )
  }
  const n = post.seenBy?.length ?? 0
  const title = n ? t('receipt.heldBy', { count: n }) : t('receipt.delivered')
  return (
    <span className="receipt" data-testid="receipt" data-count={n} title={title}>
      <span aria-hidden="true">· ✓{n > 1 ? ` ${n}` : ''}</span>
      <span className="sr-only">{title}</span>
    </span>
  )
}
