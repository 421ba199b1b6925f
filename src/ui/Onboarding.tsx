import { useState, type FormEvent } from 'react'
import type { Chat } from '../core/chat/chat.ts'

export function Onboarding({ chat, joining }: { chat: Chat; joining: boolean }) {
  const [name, setName] = useState('')
  const [error, setError] = useState<string>()
  const [busy, setBusy] = useState(false)

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
      <p>A chat that lives in your browser. Your messages go straight to the people in the room, signed with a key made on this device.</p>
      {joining && <p className="note">You were invited to a room. Choose a name to join it.</p>}
      <form onSubmit={submit}>
        <label htmlFor="name">Your name</label>
        <input
          id="name"
          data-testid="name-input"
          value={name}
          maxLength={64}
          autoFocus
          autoComplete="nickname"
          onChange={(e) => setName(e.target.value)}
          placeholder="e.g. Ana"
        />
        <button data-testid="name-save" type="submit" disabled={busy || !name.trim()}>
          {joining ? 'Join the room' : 'Start'}
        </button>
        {error && <p role="alert" className="error">{error}</p>}
      </form>
      <p className="muted small">Anyone can pick any name. Your key&apos;s fingerprint is what tells you apart.</p>
    </main>
  )
}
