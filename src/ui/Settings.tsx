import { useEffect, useState, type FormEvent } from 'react'
import type { Chat } from '../core/chat/chat.ts'
import { getSetting, setSetting } from '../core/store/repo.ts'
import { RELAYS_SETTING } from '../app-config.ts'
import { useObservable } from './use-observable.ts'
import { NotifyToggle } from './Unread.tsx'
import { useT } from './i18n/index.ts'
import { LanguagePicker } from './LanguagePicker.tsx'
import { relayStatusText } from './status-text.ts'

/** The STUN/TURN URLs in use, never their credentials. */
function iceServerUrls(chat: Chat): string {
  return (chat.network?.ice.current() ?? []).flatMap((s) => [s.urls].flat()).join(', ')
}

export function Settings({ chat, onClose }: { chat: Chat; onClose: () => void }) {
  const self = useObservable(chat.self)!
  const rejections = useObservable(chat.rejections)
  const status = useObservable(chat.relayStatus)
  const [name, setName] = useState(self.name)
  const [relays, setRelays] = useState('')
  const [saved, setSaved] = useState(false)
  const tr = useT()
  const { t } = tr

  useEffect(() => {
    void getSetting<string[]>(chat.db, RELAYS_SETTING).then((r) => setRelays((r ?? []).join('\n')))
  }, [chat])

  async function save(e: FormEvent) {
    e.preventDefault()
    await chat.rename(name)
    const list = relays.split(/[\s,]+/).filter(Boolean)
    await setSetting(chat.db, RELAYS_SETTING, list)
    setSaved(true)
  }

  const reasons = Object.entries(rejections)
  return (
    <section className="settings pad" id="settings" aria-labelledby="settings-heading">
      <h2 id="settings-heading">{t('settings.heading')}</h2>
      <LanguagePicker chat={chat} id="settings-language" />
      <form onSubmit={save}>
        <label htmlFor="rename">{t('settings.name')}</label>
        <input id="rename" value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="relays">{t('settings.relays')}</label>
        <textarea id="relays" data-testid="relay-setting" rows={2} value={relays} onChange={(e) => setRelays(e.target.value)} placeholder="/dns4/relay.example.org/tcp/443/wss" />
        <button type="submit">{t('settings.save')}</button>
        {saved && (
          <p className="note" role="status">
            {t('settings.saved')}
          </p>
        )}
      </form>
      <h3>{t('settings.notifications')}</h3>
      <p className="small muted">{t('settings.notificationsHelp')}</p>
      <NotifyToggle chat={chat} />
      <h3>{t('settings.key')}</h3>
      <p>
        <code className="key">{self.publicKeyHex}</code>
      </p>
      <h3>{t('settings.diagnostics')}</h3>
      <p className="small">
        {t('settings.relay', { relay: status.relay ?? t('settings.relayNone'), state: relayStatusText(status, tr) })}
        {status.error ? ` — ${status.error}` : ''}
      </p>
      <p className="small">{t('settings.peerId', { id: chat.network?.peerId ?? t('settings.networkNotStarted') })}</p>
      <p className="small" data-testid="ice-servers">
        {t('settings.iceServers', { servers: iceServerUrls(chat) || t('settings.iceServersNone') })}
      </p>
      <h4>{t('settings.rejected')}</h4>
      {reasons.length === 0 ? (
        <p className="small muted" data-testid="rejections" data-total="0">
          {t('settings.rejectedNone')}
        </p>
      ) : (
        <ul className="small" data-testid="rejections" data-total={chat.rejections.total}>
          {reasons.map(([reason, n]) => (
            <li key={reason} data-reason={reason} data-count={n}>
              {reason}: {n}
            </li>
          ))}
        </ul>
      )}
      <button onClick={onClose}>{t('settings.close')}</button>
    </section>
  )
}
