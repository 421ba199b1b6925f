import { memo, useEffect, useLayoutEffect, useRef } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { TimelineRow } from '../core/chat/timeline.ts'
import { shortFingerprint } from './labels.ts'
import { useT } from './i18n/index.ts'

// Up to this many posts every row is in the page (find-in-page, screen readers and tests see
// them all); longer rooms are virtualised so only the rows near the viewport exist.
const FULL_RENDER_LIMIT = 1000

interface ListProps {
  posts: readonly TimelineRow[]
  labels: Map<string, string>
  selfKey: string
}

export function MessageList(props: ListProps) {
  return props.posts.length > FULL_RENDER_LIMIT ? <VirtualList {...props} /> : <FullList {...props} />
}

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
 * 10,000-post room. `contentKey` changes whenever the end may have moved (a post, a re-measure).
 */
function useStickToBottom(scroller: React.RefObject<HTMLElement | null>, contentKey: string | number, scrollToEnd: (el: HTMLElement) => void) {
  const atBottom = useRef(true)
  const latest = useRef(scrollToEnd)
  useLayoutEffect(() => {
    latest.current = scrollToEnd
  })
  useEffect(() => {
    const el = scroller.current
    if (!el) return
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
      for (const [type, fn] of listeners) el.removeEventListener(type, fn as EventListener)
    }
  }, [scroller])
  // In the next frame, not now: scrolling to the end needs the new layout, and asking for it
  // here would lay the page out once more per post, before the browser does so for the frame.
  useLayoutEffect(() => {
    const el = scroller.current
    if (!el || !atBottom.current) return
    const frame = requestAnimationFrame(() => latest.current(el))
    return () => cancelAnimationFrame(frame)
  }, [contentKey, scroller])
}

// The full list is drawn in blocks of this many posts, each redrawn only when one of its own
// posts changed: a new post redraws the last block, not the whole room. Small blocks keep that
// redraw short (each row of the block is looked at again), which counts when drawing a whole
// post takes a few tenths of a millisecond.
const BLOCK_SIZE = 12

function FullList({ posts, labels, selfKey }: ListProps) {
  const scroller = useRef<HTMLOListElement>(null)
  const { t } = useT()
  useStickToBottom(scroller, posts.length, (el) => el.scrollTo({ top: el.scrollHeight }))
  const blocks = []
  for (let from = 0; from < posts.length; from += BLOCK_SIZE) {
    blocks.push(<Block key={from} posts={posts} from={from} to={Math.min(from + BLOCK_SIZE, posts.length)} labels={labels} selfKey={selfKey} />)
  }
  // Not a live region (every receipt change would be read out): RoomView announces new posts.
  // Focusable, so the history scrolls with the keyboard.
  return (
    <ol className="messages" aria-label={t('messages.label')} tabIndex={0} ref={scroller}>
      {blocks}
    </ol>
  )
}

interface BlockProps extends ListProps {
  from: number
  to: number
}

const Block = memo(
  function BlockRows({ posts, from, to, labels, selfKey }: BlockProps) {
    return posts.slice(from, to).map((p) => <MessageItem key={p.id} post={p} label={labels.get(`${p.author}:${p.name}`) ?? p.name} mine={p.author === selfKey} />)
  },
  (a, b) => {
    if (a.from !== b.from || a.to !== b.to || a.labels !== b.labels || a.selfKey !== b.selfKey) return false
    // Rows are immutable: a changed post (a receipt, say) is a new object.
    for (let i = a.from; i < a.to; i++) if (a.posts[i] !== b.posts[i]) return false
    return true
  },
)

function VirtualList({ posts, labels, selfKey }: ListProps) {
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
  useStickToBottom(scroller, `${posts.length}:${virtualizer.getTotalSize()}`, () => virtualizer.scrollToIndex(posts.length - 1, { align: 'end' }))
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
