import { memo, useState, type FormEvent, type KeyboardEvent } from 'react'
import { useT } from './i18n/index.ts'

// Memoised: the room view redraws for every post; this does not need to.
export const Composer = memo(function ComposerForm({ onSend }: { onSend: (text: string) => Promise<void> }) {
  const [text, setText] = useState('')
  const [error, setError] = useState<string>()
  const { t } = useT()

  async function send(e?: FormEvent) {
    e?.preventDefault()
    const value = text
    if (!value.trim()) return
    setText('')
    try {
      await onSend(value)
      setError(undefined)
    } catch (err) {
      // Give the words back rather than lose them.
      setText(value)
      setError(err instanceof Error ? err.message : String(err))
    }
  }

  function onKey(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault()
      void send()
    }
  }

  return (
    <form className="composer" onSubmit={send}>
      <textarea data-testid="composer" aria-label={t('composer.label')} rows={1} maxLength={4000} value={text} onChange={(e) => setText(e.target.value)} onKeyDown={onKey} placeholder={t('composer.placeholder')} />
      <button data-testid="send" type="submit" disabled={!text.trim()}>
        {t('composer.send')}
      </button>
      {error && <p role="alert" className="error">{error}</p>}
    </form>
  )
})
