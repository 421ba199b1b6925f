import type { RoomPeer } from '../core/chat/room-channel.ts'

export function PeerList({ peers, labels }: { peers: RoomPeer[]; labels: Map<string, string> }) {
  return (
    <section className="peers" aria-label="People here now">
      {peers.length === 0 ? (
        <span className="muted small" data-testid="no-peers">
          Nobody else is connected right now. Posts wait here until someone is.
        </span>
      ) : (
        <ul>
          {peers.map((p) => (
            <li key={p.peerId} data-testid="peer" data-connection={p.connection} data-peer-id={p.peerId} data-author-key={p.author ?? ''}>
              {p.author && p.name ? (labels.get(`${p.author}:${p.name}`) ?? p.name) : 'someone'}{' '}
              <span className={`conn conn-${p.connection}`}>{p.connection === 'direct' ? 'direct' : 'via relay'}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
