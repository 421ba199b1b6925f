import { useState, type FormEvent } from 'react'
import type { Chat } from '../core/chat/chat.ts'
import { useT } from './i18n/index.ts'
import { LanguagePicker } from './LanguagePicker.tsx'

export function Onboarding({ chat, joining }: { chat: Chat; joining: boolean }) {
  const [name, setName] = useState('')
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)
  const { t } = useT()

  async function submit(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    try {
      await chat.createIdentity(name)
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
      setBusy(false)
    }
  }

  return (
    <main className="onboarding">
      <h1>Roda</h1>
      <p>{t('onboarding.lead')}</p>
      {joining && <p className="note">{t('onboarding.invited')}</p>}
      <form onSubmit={submit}>
        <label htmlFor="name">{t('onboarding.nameLabel')}</label>
        <input
          id="name"
          data-testid="name-input"
          value={name}
          maxLength={64}
          autoFocus
          autoComplete="nickname"
          onChange={(e) => setName(e.target.value)}
          placeholder={t('onboarding.namePlaceholder')}
        />
        <button data-testid="name-save" type="submit" disabled={busy || !name.trim()}>
          {joining ? t('onboarding.join') : t('onboarding.start')}
        </button>
        {error && <p role="alert" className="error">{error}</p>}
      </form>
      <p className="muted small">{t('onboarding.fingerprintNote')}</p>
      <LanguagePicker chat={chat} id="onboarding-language" />
    </main>
  )
}
