// Everything `npm start` runs, in one process: (optionally) build the app, start the relay,
// serve the app with a live /roda-config.json pointing at that relay.
// Kept as an options object so an HTTPS/LAN mode can be added without touching the callers.
import { build } from 'vite'
import { createRelay, type RelayOptions } from '../signaling-relay/src/index.ts'
import { assertPortFree, portErrorMessage } from './ports.ts'
import { serveApp } from './serve-app.ts'

export interface RodaOptions {
  /** Project root (where index.html, vite.config.ts and dist/ live). */
  root: string
  /** Address both servers bind to. Default in start.ts: 127.0.0.1. */
  host: string
  /** Web app port (Vite preview). */
  port: number
  /** Relay WebSocket port. */
  relayPort: number
  /** Run `vite build` before serving. */
  build: boolean
  /** Other relay settings (limits, announce addresses); host, port, tls and log come from above. */
  relay?: Omit<RelayOptions, 'host' | 'port' | 'log' | 'tls'>
  /**
   * Serve the app over HTTPS and the relay over secure WebSockets (wss, `/tls/ws`) with this
   * certificate and key (PEM). Phones need it: see scripts/tls.ts and README "Run it in a room".
   */
  https?: { key: string; cert: string }
  /** Where progress and relay log lines go. */
  log: (line: string) => void
}

export interface RunningRoda {
  url: string
  relay: { peerId: string, addresses: string[] }
  /** Closes the web server and the relay; safe to call more than once. */
  stop(): Promise<void>
}

export async function startRoda(options: RodaOptions): Promise<RunningRoda> {
  const { root, host, log } = options

  // Fail fast, before a build that takes seconds, if a port is taken.
  await assertPortFree(host, options.port, 'Web server', 'PORT')
  await assertPortFree(host, options.relayPort, 'Relay', 'RELAY_PORT')

  if (options.build) {
    const started = Date.now()
    log('Building the app (vite build)…')
    await build({ root, logLevel: 'warn' })
    log(`Built in ${((Date.now() - started) / 1000).toFixed(1)} s`)
  }

  let relay
  try {
    relay = await createRelay({
      ...options.relay,
      host,
      port: options.relayPort,
      ...(options.https != null && { tls: options.https }),
      log: (line) => log(`[relay] ${line}`),
    })
  } catch (err) {
    // Taken between the check above and now (or by a process the check could not see).
    if (/EADDRINUSE/.test(String((err as Error).message))) {
      throw new Error(portErrorMessage(host, options.relayPort, 'Relay', 'RELAY_PORT', { name: 'Error', message: '', code: 'EADDRINUSE' }), { cause: err })
    }
    throw err
  }

  let app
  try {
    app = await serveApp({
      root,
      host,
      port: options.port,
      ...(options.https != null && { https: options.https }),
      // The relay address on the host the browser used first: on a LAN (HOST=0.0.0.0) the
      // relay listens on every interface, and a phone must not start with 127.0.0.1.
      runtimeConfig: ({ hostname }) => ({ relays: preferHost(relay.addresses, hostname) }),
    })
  } catch (err) {
    try { await relay.stop() } catch { /* already failing: report the first error */ }
    throw err
  }

  let stopping: Promise<void> | undefined
  const served = app
  const started = relay
  return {
    url: served.url,
    relay: { peerId: started.peerId, addresses: started.addresses },
    stop() {
      stopping ??= (async () => {
        const results = await Promise.allSettled([served.close(), started.stop()])
        const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
        if (failed) throw failed.reason
      })()
      return stopping
    },
  }
}

/** Multiaddrs on `hostname` first (stable order otherwise). */
export function preferHost(addresses: string[], hostname: string | undefined): string[] {
  if (!hostname) return addresses
  const on = (a: string) => a.split('/')[2] === hostname
  return [...addresses.filter(on), ...addresses.filter((a) => !on(a))]
}
