import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { Observable } from '../core/observable.ts'
import type { TimelineRow } from '../core/chat/timeline.ts'
import { fillPost, PostRows, type RowContext } from './post-rows.ts'
import { useT } from './i18n/index.ts'

// Up to this many posts every row is in the page (find-in-page, screen readers and tests see
// them all); longer rooms are virtualised so only the rows near the viewport exist.
const FULL_RENDER_LIMIT = 1000
// Space between rows of the long list (the full list's rows have it as a margin).
const ROW_GAP_PX = 6
const isLong = (timeline: Posts): boolean => timeline.value.length > FULL_RENDER_LIMIT

type Posts = Observable<readonly TimelineRow[]>

interface ListProps {
  timeline: Posts
  labels: Map<string, string>
  selfKey: string
}

/**
 * The room's posts. It reads the timeline itself rather than taking the posts as a prop: a new
 * post then adds a row to the list (see FullList) without React redrawing anything.
 */
export const MessageList = memo(function PostList(props: ListProps) {
  const { timeline } = props
  const long = useSyncExternalStore(timeline.subscribe, () => isLong(timeline))
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
    const onKey = (e: KeyboardEvent) => {
      if (KEYS_UP.has(e.key)) back()
      // End asks for the newest post: pin at once. Judging by the scroll that follows was not
      // enough in a long room on a slow device: rows measured after the jump moved the end
      // more than 80 px further, and the view stayed a few posts short of it.
      else if (e.key === 'End') {
        atBottom.current = true
        followEnd()
      }
    }
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

function FullList({ timeline, labels, selfKey }: ListProps) {
  const scroller = useRef<HTMLOListElement>(null)
  const tr = useT()
  const followEnd = useStickToBottom(scroller, (el) => el.scrollTo({ top: el.scrollHeight }))
  // One PostRows for the list's life: a change of labels updates rows in place.
  const rows = useRef<PostRows>(undefined)
  useLayoutEffect(() => {
    const list = scroller.current
    if (!list) return
    const view = (rows.current ??= new PostRows(list))
    const context = { labels, selfKey, tr }
    // Drawn as the timeline tells of a change, in the same task: a post received from the
    // network is on screen before the task that verified it ends.
    const draw = () => {
      // Past the limit, MessageList is about to swap this list for the virtualised one: drawing
      // the whole history here first (10,000 rows, once it is all loaded) would be thrown away.
      if (isLong(timeline)) return
      view.show(timeline.value, context)
      followEnd()
    }
    draw()
    return timeline.subscribe(draw)
  }, [timeline, labels, selfKey, tr, followEnd])
  // Not a live region (every receipt change would be read out): RoomView announces new posts.
  // Focusable, so the history scrolls with the keyboard. Its items are PostRows' alone.
  return <ol className="messages" aria-label={tr.t('messages.label')} tabIndex={0} ref={scroller} />
}

function VirtualList({ timeline, labels, selfKey }: ListProps) {
  const posts = useSyncExternalStore(timeline.subscribe, timeline.getSnapshot)
  const scroller = useRef<HTMLDivElement>(null)
  const tr = useT()
  const context = useMemo(() => ({ labels, selfKey, tr }), [labels, selfKey, tr])
  // eslint-disable-next-line react-hooks/incompatible-library -- read afresh on every render on purpose
  const virtualizer = useVirtualizer({
    count: posts.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => 64,
    overscan: 20,
    getItemKey: (i) => posts[i]!.id,
    // The rows' spacing: their own margin would fall outside what is measured.
    gap: ROW_GAP_PX,
  })
  // The total height changes as rows are measured: the end moves, and a pinned view follows it.
  const followEnd = useStickToBottom(scroller, () => virtualizer.scrollToIndex(posts.length - 1, { align: 'end' }))
  const total = virtualizer.getTotalSize()
  useLayoutEffect(followEnd, [posts.length, total, followEnd])
  const items = virtualizer.getVirtualItems()
  // Rows drawn in this commit, measured together once all are drawn: measuring each one as it
  // is drawn would lay the page out once per row.
  const drawn = useRef<HTMLLIElement[]>([])
  useLayoutEffect(() => {
    virtualizer.measureElement(null) // forgets the rows that left
    for (const li of drawn.current.splice(0)) virtualizer.measureElement(li)
  })
  return (
    <div className="messages" ref={scroller} role="region" aria-label={tr.t('messages.label')} tabIndex={0}>
      <ol className="virtual" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((v) => (
          <VirtualRow key={v.key} index={v.index} start={v.start} post={posts[v.index]!} context={context} drawn={drawn} />
        ))}
      </ol>
    </div>
  )
}

interface VirtualRowProps {
  index: number
  start: number
  post: TimelineRow
  context: RowContext
  /** Where a row goes once drawn, to be measured. */
  drawn: React.RefObject<HTMLLIElement[]>
}

/**
 * One post of the long list, an item of the list itself (screen readers count it), drawn as
 * in the full list (see post-rows.ts). React owns its position; the post is drawn into it as
 * it is attached (again if the post changes), before the list measures it.
 */
const VirtualRow = memo(function VirtualRowItem({ index, start, post, context, drawn }: VirtualRowProps) {
  const draw = useCallback(
    (li: HTMLLIElement | null) => {
      if (!li) return
      fillPost(li, post, context)
      drawn.current.push(li)
    },
    [post, context, drawn],
  )
  return <li ref={draw} data-index={index} style={{ transform: `translateY(${start}px)` }} />
})
