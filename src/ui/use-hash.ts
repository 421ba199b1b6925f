import { useSyncExternalStore } from 'react'

function subscribe(cb: () => void): () => void {
  addEventListener('hashchange', cb)
  return () => removeEventListener('hashchange', cb)
}

/** The URL fragment is the app's only route: `#room=…` is a room, anything else the list. */
export function useHash(): string {
  return useSyncExternalStore(subscribe, () => location.hash)
}

export function navigate(hash: string): void {
  if (location.hash !== hash) location.hash = hash
}
