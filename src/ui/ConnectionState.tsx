import { useEffect, useState } from 'react'
import type { Chat } from '../core/chat/chat.ts'
import { useObservable } from './use-observable.ts'
import { relayStatusText } from './status-text.ts'
import { useT } from './i18n/index.ts'

/**
 * Online / Connecting… / Offline in people's words; the relay's technical state stays in the
 * tooltip and in Diagnostics. Offline shows when the next attempt starts, counting down, and a
 * button to try at once.
 */
export function ConnectionState({ chat }: { chat: Chat }) {
  const state = useObservable(chat.connectivity)
  const relay = useObservable(chat.relayStatus)
  const tr = useT()
  const { t } = tr
  const secondsLeft = useSecondsUntil(state === 'offline' ? relay.retryAt : undefined)
  return (
    <span className={`status status-${state}`} data-testid="connection-state" data-state={state} title={[relayStatusText(relay, tr), relay.error].filter(Boolean).join(' — ')}>
      <span role="status">{t(`connection.${state}`)}</span>
      {state === 'offline' && secondsLeft !== undefined && <span className="retry-in small"> · {t('connection.retryIn', { count: secondsLeft })}</span>}
      {state === 'offline' && (
        <button type="button" className="retry-now" data-testid="retry-now" onClick={() => chat.retryNow()}>
          {t('connection.retryNow')}
        </button>
      )}
      {/* The relay's own state, for diagnostics and tests; people read the words above. */}
      <span hidden data-testid="relay-status" data-state={relay.state} title={relay.error}>
        {relayStatusText(relay, tr)}
      </span>
    </span>
  )
}

/** Whole seconds until `at` (ms since epoch), redrawn every second while there is one. */
function useSecondsUntil(at: number | undefined): number | undefined {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (at === undefined) return
    const tick = (): void => setNow(Date.now())
    const first = setTimeout(tick, 0)
    const timer = setInterval(tick, 1_000)
    return () => {
      clearTimeout(first)
      clearInterval(timer)
    }
  }, [at])
  return at === undefined ? undefined : Math.max(0, Math.ceil((at - now) / 1_000))
}
