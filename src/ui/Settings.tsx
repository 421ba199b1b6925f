import { useEffect, useState, type FormEvent } from 'react'
import type { Chat } from '../core/chat/chat.ts'
import { getSetting, setSetting } from '../core/store/repo.ts'
import { RELAYS_SETTING } from '../app-config.ts'
import { useObservable } from './use-observable.ts'
import { NotifyToggle } from './Unread.tsx'

export function Settings({ chat, onClose }: { chat: Chat; onClose: () => void }) {
  const self = useObservable(chat.self)!
  const rejections = useObservable(chat.rejections)
  const status = useObservable(chat.relayStatus)
  const [name, setName] = useState(self.name)
  const [relays, setRelays] = useState('')
  const [saved, setSaved] = useState(false)

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
    <section className="settings pad" aria-label="Settings">
      <form onSubmit={save}>
        <label htmlFor="rename">Display name</label>
        <input id="rename" value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />
        <label htmlFor="relays">Relays (one multiaddr per line; empty = the relay that served this app)</label>
        <textarea id="relays" data-testid="relay-setting" rows={2} value={relays} onChange={(e) => setRelays(e.target.value)} placeholder="/dns4/relay.example.org/tcp/443/wss" />
        <button type="submit">Save</button>
        {saved && <p className="note">Saved. A changed relay is used after a reload.</p>}
      </form>
      <h3>Notifications</h3>
      <p className="small muted">A notification when someone posts while Roda is in the background.</p>
      <NotifyToggle chat={chat} />
      <h3>Your key</h3>
      <p>
        <code className="key">{self.publicKeyHex}</code>
      </p>
      <h3>Diagnostics</h3>
      <p className="small">
        Relay: {status.relay ?? 'none'} ({status.state}){status.error ? ` — ${status.error}` : ''}
      </p>
      <p className="small">Peer id: {chat.network?.peerId ?? 'network not started'}</p>
      <h4>Rejected messages</h4>
      {reasons.length === 0 ? (
        <p className="small muted" data-testid="rejections" data-total="0">
          None so far.
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
      <button onClick={onClose}>Close</button>
    </section>
  )
}
