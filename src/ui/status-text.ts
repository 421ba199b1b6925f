import type { RelayStatus } from '../core/net/relay-link.ts'
import type { Translator } from './i18n/index.ts'

export function relayStatusText(s: RelayStatus, { t }: Translator): string {
  switch (s.state) {
    case 'online':
      return t('status.online')
    case 'connecting':
      return t('status.connecting')
    case 'offline': {
      const secs = s.retryAt ? Math.max(0, Math.round((s.retryAt - Date.now()) / 1000)) : undefined
      return secs !== undefined ? t('status.offlineRetry', { count: secs }) : t('status.offline')
    }
    case 'no-relay':
      return t('status.noRelay')
  }
}
