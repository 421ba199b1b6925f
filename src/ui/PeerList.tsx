import { memo } from 'react'
import type { RoomPeer } from '../core/chat/room-channel.ts'
import { useT, type Translator } from './i18n/index.ts'
import { labelFor } from './labels.ts'

function connectionText(p: RoomPeer, { t }: Translator): string {
  switch (p.connection) {
    case 'direct':
      return t('peers.direct')
    case 'turn':
      return t('peers.turn')
    case 'relayed':
      return t('peers.relayed')
    case 'unreachable':
      return t('peers.unreachable')
  }
}

/**
 * Who is here and how each is connected, as the selected ICE path says. A member no path
 * reaches stays listed as such, with what would fix it, instead of silently disappearing.
 * Memoised: the room view redraws for every post; this does not need to.
 */
export const PeerList = memo(function PeerListSection({ peers, labels, hasTurn }: { peers: RoomPeer[]; labels: Map<string, string>; hasTurn: boolean }) {
  const tr = useT()
  const { t } = tr
  const unreachable = peers.some((p) => p.connection === 'unreachable')
  return (
    <section className="peers" aria-label={t('peers.label')}>
      {peers.length === 0 ? (
        <span className="muted small" data-testid="no-peers">
          {t('peers.none')}
        </span>
      ) : (
        <ul>
          {peers.map((p) => (
            <li
              key={p.peerId}
              data-testid="peer"
              data-connection={p.connection}
              data-path={p.path ?? ''}
              data-peer-id={p.peerId}
              data-author-key={p.author ?? ''}
              title={p.path ? t('peers.path', { path: p.path }) : undefined}
            >
              <span dir="auto">{p.author && p.name ? labelFor(labels, p.author, p.name) : t('peers.someone')}</span>{' '}
              <span className={`conn conn-${p.connection}`}>{connectionText(p, tr)}</span>
            </li>
          ))}
        </ul>
      )}
      {unreachable && (
        <p className="note small" data-testid="no-path-help" role="status">
          {t(hasTurn ? 'peers.noPathWithTurn' : 'peers.noPath')}
        </p>
      )}
    </section>
  )
})
