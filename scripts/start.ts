// `npm start`: build the app, start the relay and serve the app, all on 127.0.0.1 by default.
//
//   npm start                    build, then serve on http://127.0.0.1:5173/ with a relay on :9090
//   npm start -- --no-build      serve the existing dist/
//   HOST=… PORT=… RELAY_PORT=…   override the address and ports
//
// Runs under `node --import ./scripts/polyfill.mjs --import tsx` (libp2p needs the polyfill on Node 20).
import { isIP } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { optionsFromEnv } from '../signaling-relay/src/index.ts'
import { portFromEnv } from './ports.ts'
import { startRoda, type RunningRoda } from './roda-server.ts'

const USAGE = `Usage: npm start [-- --no-build]

  --no-build   serve the existing dist/ instead of building first
  --help       show this help

Environment:
  HOST         address both servers bind to (default 127.0.0.1)
  PORT         web app port (default 5173)
  RELAY_PORT   relay WebSocket port (default 9090)
  RELAY_MAX_RESERVATIONS, RELAY_MAX_CONNECTIONS, RELAY_INBOUND_CONNECTION_THRESHOLD,
  RELAY_ANNOUNCE   passed to the relay as in \`npm run relay\``

function log(line: string): void {
  console.log(line)
}

function fail(err: unknown): never {
  const e = err instanceof Error ? err : new Error(String(err))
  console.error(`\nRoda could not start: ${e.message}`)
  if (process.env.RODA_DEBUG && e.stack) console.error(e.stack)
  process.exit(1)
}

async function main(): Promise<void> {
  const args = process.argv.slice(2)
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE)
    return
  }
  const unknown = args.filter((a) => a !== '--no-build')
  if (unknown.length > 0) {
    console.error(`Unknown argument(s): ${unknown.join(' ')}\n\n${USAGE}`)
    process.exit(2)
  }

  let running: RunningRoda | undefined
  let stopping = false
  const onSignal = (reason: string): void => {
    if (stopping) return
    stopping = true
    if (!running) process.exit(0) // still building or starting: nothing to close yet
    log(`\n${reason}: stopping Roda…`)
    // Never hang on shutdown: a stuck close must not keep the port (or a test run) waiting.
    const timer = setTimeout(() => {
      console.error('Shutdown took longer than 5 s; exiting anyway.')
      process.exit(1)
    }, 5_000)
    timer.unref()
    running.stop().then(
      () => { log('Stopped.'); process.exit(0) },
      (err: unknown) => { console.error('Error while stopping:', err); process.exit(1) },
    )
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  process.on('SIGHUP', onSignal)
  // `kill <npm's pid>` kills npm and its `sh -c`, but not us: we would live on as an orphan
  // holding both ports. Under npm, treat losing our parent like a signal.
  if (process.env.npm_lifecycle_event) {
    const parent = process.ppid
    setInterval(() => { if (process.ppid !== parent) onSignal('npm exited') }, 1_000).unref()
  }

  try {
    // The relay's own settings parser validates RELAY_* (a bad value names its variable);
    // host and port are ours: HOST is shared by both servers.
    const { host: _host, port: _port, ...relay } = optionsFromEnv({ ...process.env, RELAY_HOST: undefined, RELAY_PORT: undefined })
    const host = process.env.HOST?.trim() || '127.0.0.1'
    // An address, not a name: the relay's multiaddr is /ip4 or /ip6 and the app dials exactly it.
    if (isIP(host) === 0) throw new Error(`HOST must be an IPv4 or IPv6 address such as 127.0.0.1 or ::1, got "${host}"`)
    running = await startRoda({
      root: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'),
      host,
      port: portFromEnv('PORT', 5173),
      relayPort: portFromEnv('RELAY_PORT', 9090),
      build: !args.includes('--no-build'),
      relay,
      log,
    })
  } catch (err) {
    fail(err)
  }
  log('')
  log(`Roda is running at ${running.url}`)
  for (const address of running.relay.addresses) log(`Relay listening at ${address}`)
  log('Press Ctrl+C to stop.')
}

main().catch(fail)
