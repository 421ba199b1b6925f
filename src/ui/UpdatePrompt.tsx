/// <reference types="vite-plugin-pwa/client" />
import { registerSW } from 'virtual:pwa-register'
import { Observable } from '../core/observable.ts'
import { useObservable } from './use-observable.ts'
import { useT } from './i18n/index.ts'

/** How often a long-open tab asks the server whether a new version exists. */
const UPDATE_CHECK_MS = 60 * 60 * 1000

/**
 * The service worker registration, once per page (not per mount): `needRefresh` turns true when
 * a new version is installed and waiting. Nothing here reloads the page but `reload()`, called
 * from a click in this tab: if another tab let the new version in, this one keeps its banner
 * and waits for its own user, who may be typing.
 */
class ServiceWorkerUpdates {
  readonly needRefresh = new Observable(false)
  private readonly update: () => Promise<void>

  constructor() {
    this.update = registerSW({
      immediate: false, // after the page's load event: the first visit's own downloads go first
      onNeedRefresh: () => this.needRefresh.set(true),
      // Called when a new version takes control of this page, which may follow a click in
      // another tab: never reload here (reload() below handles this tab's own click).
      onNeedReload: () => {},
      onRegisteredSW: (_url, registration) => {
        if (!registration) return
        setInterval(() => {
          if (navigator.onLine) registration.update().catch(() => {})
        }, UPDATE_CHECK_MS)
      },
      onRegisterError: (err: unknown) => console.warn('Service worker registration failed; Roda works, but not offline', err),
    })
  }

  /** Lets the waiting version in and reloads into it. Call from a user's click only. */
  async reload(): Promise<void> {
    const registration = await navigator.serviceWorker?.getRegistration()
    // Another tab may already have let it in: then nothing is waiting, the page just reloads.
    if (!registration?.waiting) return location.reload()
    navigator.serviceWorker.addEventListener('controllerchange', () => location.reload(), { once: true })
    // Should the new version not take over (it failed, or was replaced), still do what was asked.
    setTimeout(() => location.reload(), 10_000)
    await this.update() // SKIP_WAITING to the waiting worker
  }
}

let instance: ServiceWorkerUpdates | undefined

/** Registers the service worker on first use (the first render of the app), once per page. */
function serviceWorkerUpdates(): ServiceWorkerUpdates {
  return (instance ??= new ServiceWorkerUpdates())
}

/** A small banner when a new version of Roda is ready; it reloads only when clicked. */
export function UpdatePrompt() {
  const updates = serviceWorkerUpdates()
  const needRefresh = useObservable(updates.needRefresh)
  const { t } = useT()
  if (!needRefresh) return null
  return (
    <div className="update-prompt" role="status" data-testid="update-available">
      <span>{t('update.ready')}</span>
      <button type="button" data-testid="update-reload" onClick={() => void updates.reload()}>
        {t('update.reload')}
      </button>
    </div>
  )
}
