import { memo, useEffect, useRef } from 'react'
import type { PostRow } from '../core/store/db.ts'
import { shortFingerprint } from './labels.ts'

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' })

export function MessageList({ posts, labels, selfKey }: { posts: PostRow[]; labels: Map<string, string>; selfKey: string }) {
  const end = useRef<HTMLDivElement>(null)
  useEffect(() => {
    end.current?.scrollIntoView({ block: 'end' })
  }, [posts.length])

  return (
    <ol className="messages" aria-live="polite">
      {posts.map((p) => (
        <MessageItem key={p.id} post={p} label={labels.get(`${p.author}:${p.name}`) ?? p.name} mine={p.author === selfKey} />
      ))}
      <div ref={end} />
    </ol>
  )
}

const MessageItem = memo(function MessageRow({ post: p, label, mine }: { post: PostRow; label: string; mine: boolean }) {
  const fp = shortFingerprint(p.author)
  return (
    <li
      className={mine ? 'message mine' : 'message'}
      data-testid="message"
      data-author-key={p.author}
      data-id={p.id}
      data-status={mine ? (p.status ?? 'sent') : undefined}
    >
      <span className="author" data-testid="message-author" title={`Key ${p.author}`}>
        {label}
      </span>
      {/* The fingerprint is always there to compare; inside the label itself when names clash. */}
      {!label.includes(fp) && (
        <span className="fp" aria-hidden="true">
          #{fp}
        </span>
      )}
      <time dateTime={new Date(p.ts).toISOString()}>{time.format(p.ts)}</time>
      {mine && <Receipt post={p} />}
      <p data-testid="message-text">{p.text}</p>
    </li>
  )
})

/** Waiting until another device is known to hold the post; then how many members' devices do. */
function Receipt({ post }: { post: PostRow }) {
  if (post.status === 'pending') {
    return (
      <span className="receipt" data-testid="receipt" title="Waiting: no other device has this post yet">
        · waiting
      </span>
    )
  }
  const n = post.seenBy?.length ?? 0
  return (
    <span className="receipt" data-testid="receipt" data-count={n} title={n ? `Held by ${n} other member${n === 1 ? '' : 's'}` : 'Delivered'}>
      · ✓{n > 1 ? ` ${n}` : ''}
    </span>
  )
}
