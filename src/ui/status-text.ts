import type { RelayStatus } from '../core/net/relay-link.ts'

export function relayStatusText(s: RelayStatus): string {
  switch (s.state) {
    case 'online':
      return 'Relay connected'
    case 'connecting':
      return 'Connecting to relay…'
    case 'offline': {
      const secs = s.retryAt ? Math.max(0, Math.round((s.retryAt - Date.now()) / 1000)) : undefined
      return secs !== undefined ? `Relay unreachable, retrying in ${secs}s` : 'Relay unreachable'
    }
    case 'no-relay':
      return 'No relay configured'
  }
}
