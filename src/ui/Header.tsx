import type { Chat, SelfView } from '../core/chat/chat.ts'
import { navigate } from './use-hash.ts'
import { shortFingerprint } from './labels.ts'
import { useT } from './i18n/index.ts'
import { ConnectionState } from './ConnectionState.tsx'

export function Header({ chat, self, onSettings, settingsOpen }: { chat: Chat; self: SelfView; onSettings: () => void; settingsOpen: boolean }) {
  const { t } = useT()
  return (
    <header className="top">
      <button className="brand" onClick={() => navigate('')} aria-label={t('header.home')}>
        Roda
      </button>
      <ConnectionState chat={chat} />
      <span className="me" data-testid="my-key" data-key={self.publicKeyHex} title={t('header.yourKey', { key: self.publicKeyHex })}>
        {self.name} <code>#{shortFingerprint(self.publicKeyHex)}</code>
      </span>
      <button className="gear" onClick={onSettings} aria-label={t('header.settings')} aria-expanded={settingsOpen} aria-controls="settings">
        <span aria-hidden="true">⚙</span>
      </button>
    </header>
  )
}
