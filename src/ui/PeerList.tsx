import { memo } from 'react'
import type { RoomPeer } from '../core/chat/room-channel.ts'
import { useT } from './i18n/index.ts'
import { labelFor } from './labels.ts'

// Memoised: the room view redraws for every post; this does not need to.
export const PeerList = memo(function PeerListSection({ peers, labels }: { peers: RoomPeer[]; labels: Map<string, string> }) {
  const { t } = useT()
  return (
    <section className="peers" aria-label={t('peers.label')}>
      {peers.length === 0 ? (
        <span className="muted small" data-testid="no-peers">
          {t('peers.none')}
        </span>
      ) : (
        <ul>
          {peers.map((p) => (
            <li key={p.peerId} data-testid="peer" data-connection={p.connection} data-peer-id={p.peerId} data-author-key={p.author ?? ''}>
              {p.author && p.name ? labelFor(labels, p.author, p.name) : t('peers.someone')}{' '}
              <span className={`conn conn-${p.connection}`}>{p.connection === 'direct' ? t('peers.direct') : t('peers.relayed')}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
})
