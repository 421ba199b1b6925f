import type { Chat, SelfView } from '../core/chat/chat.ts'
import { useObservable } from './use-observable.ts'
import { navigate } from './use-hash.ts'
import { shortFingerprint } from './labels.ts'
import { relayStatusText } from './status-text.ts'

export function Header({ chat, self, onSettings }: { chat: Chat; self: SelfView; onSettings: () => void }) {
  const status = useObservable(chat.relayStatus)
  return (
    <header className="top">
      <button className="brand" onClick={() => navigate('')} aria-label="Roda: all rooms">
        Roda
      </button>
      <span className={`status status-${status.state}`} data-testid="relay-status" data-state={status.state} title={status.error}>
        {relayStatusText(status)}
      </span>
      <span className="me" data-testid="my-key" data-key={self.publicKeyHex} title={`Your key: ${self.publicKeyHex}`}>
        {self.name} <code>#{shortFingerprint(self.publicKeyHex)}</code>
      </span>
      <button onClick={onSettings} aria-label="Settings and diagnostics">⚙</button>
    </header>
  )
}
