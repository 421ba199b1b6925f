import { useEffect, useRef } from 'react'
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
        <li
          key={p.id}
          className={p.author === selfKey ? 'message mine' : 'message'}
          data-testid="message"
          data-author-key={p.author}
          data-id={p.id}
          data-status={p.author === selfKey ? (p.status ?? 'sent') : undefined}
        >
          <span className="author" data-testid="message-author" title={`Key ${p.author}`}>
            {labels.get(`${p.author}:${p.name}`) ?? p.name}
          </span>
          <span className="fp" aria-hidden="true">
            #{shortFingerprint(p.author)}
          </span>
          <time dateTime={new Date(p.ts).toISOString()}>{time.format(p.ts)}</time>
          <p data-testid="message-text">{p.text}</p>
        </li>
      ))}
      <div ref={end} />
    </ol>
  )
}
