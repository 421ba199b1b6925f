/**
 * When the first real view (a room's history, the room list, or onboarding) has been drawn.
 * main.tsx starts the network only then: loading and starting libp2p takes the main thread for
 * a while, and history already on the device must not wait for it.
 */
let shown!: () => void
export const firstViewShown = new Promise<void>((resolve) => (shown = resolve))

/** Called by the app once it has committed a real view; resolves after that frame is drawn. */
export function markFirstViewShown(): void {
  requestAnimationFrame(() => setTimeout(shown, 0))
}
