// `npm start`: build the app, start the relay and serve the app, all on 127.0.0.1 by default.
//
//   npm start                    build, then serve on http://127.0.0.1:5173/ with a relay on :9090
//   npm start -- --no-build      serve the existing dist/
//   npm start -- --https         HTTPS app and wss relay, self-signed certificate (or TLS_CERT/TLS_KEY)
//   HOST=0.0.0.0 npm start -- --https   the same for every device on the LAN: prints its URL and a QR code
//   npm start -- --turn          also run coturn, for devices on other networks (scripts/turn-server.ts)
//   HOST=… PORT=… RELAY_PORT=…   override the address and ports
//
// Runs under `node --import ./scripts/polyfill.mjs --import tsx` (libp2p needs the polyfill on Node 20).
import { isIP } from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { toString as qrCode } from 'qrcode'
import { optionsFromEnv } from '../signaling-relay/src/index.ts'
import { hostForUrl, portFromEnv } from './ports.ts'
import { startRoda, type RunningRoda } from './roda-server.ts'
import { certificateHosts, isWildcard, lanAddresses, loadCertificateFiles, selfSignedCertificate, type Certificate } from './tls.ts'
import {
  DEFAULT_TURN_MAX_PORT,
  DEFAULT_TURN_MIN_PORT,
  DEFAULT_TURN_PORT,
  newTurnSecret,
  startTurnServer,
  turnUrls,
  type RunningTurnServer,
  type TurnServerOptions,
} from './turn-server.ts'

const USAGE = `Usage: npm start [-- --no-build] [-- --https] [-- --turn]

  --no-build   serve the existing dist/ instead of building first
  --https      serve the app over HTTPS and the relay over wss:// (phones need it on a LAN);
               with a self-signed certificate kept in .certs/ unless TLS_CERT/TLS_KEY are set
  --turn       also run a STUN/TURN server (coturn, which must be installed) with a fresh secret;
               the relay hands browsers short-lived credentials for it. For devices that cannot
               reach each other directly (other networks, client isolation, strict firewalls)
  --help       show this help

Environment:
  HOST         address both servers bind to (default 127.0.0.1; 0.0.0.0 for the whole LAN)
  PORT         web app port (default 5173)
  RELAY_PORT   relay WebSocket port (default 9090)
  HTTPS=1      same as --https
  TLS_CERT, TLS_KEY   PEM files of a real certificate and its key (implies --https)
  CERT_HOSTS   extra comma-separated names for the self-signed certificate (e.g. laptop.local)
  CERT_DIR     where the self-signed certificate is kept (default .certs/)
  RELAY_MAX_RESERVATIONS, RELAY_MAX_CONNECTIONS, RELAY_INBOUND_CONNECTION_THRESHOLD,
  RELAY_ANNOUNCE, TURN_URLS, TURN_SECRET, TURN_TTL
               passed to the relay as in \`npm run relay\` (TURN_*: your own STUN/TURN server)
  TURN_PORT    --turn: STUN/TURN port, UDP and TCP (default ${DEFAULT_TURN_PORT})
  TURN_MIN_PORT, TURN_MAX_PORT   --turn: UDP ports it relays through (default ${DEFAULT_TURN_MIN_PORT}-${DEFAULT_TURN_MAX_PORT})
  TURN_PUBLIC=1   --turn on a machine reachable from the internet: never relay to private addresses
  RODA_DEBUG=1 also print coturn's log`

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
  const unknown = args.filter((a) => a !== '--no-build' && a !== '--https' && a !== '--turn')
  if (unknown.length > 0) {
    console.error(`Unknown argument(s): ${unknown.join(' ')}\n\n${USAGE}`)
    process.exit(2)
  }

  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
  let running: RunningRoda | undefined
  let turn: RunningTurnServer | undefined
  let turnPlan: TurnPlan | undefined
  let certificate: Certificate | undefined
  let stopping = false
  const onSignal = (reason: string): void => {
    if (stopping) return
    stopping = true
    // Still building or starting: nothing to close yet but coturn, which stops as we exit.
    if (!running) process.exit(0)
    log(`\n${reason}: stopping Roda…`)
    // Never hang on shutdown: a stuck close must not keep the port (or a test run) waiting.
    const timer = setTimeout(() => {
      console.error('Shutdown took longer than 5 s; exiting anyway.')
      process.exit(1)
    }, 5_000)
    timer.unref()
    void Promise.allSettled([running.stop(), turn?.stop()]).then((results) => {
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
      if (failed) {
        console.error('Error while stopping:', failed.reason)
        process.exit(1)
      }
      log('Stopped.')
      process.exit(0)
    })
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
    const host = process.env.HOST?.trim() || '127.0.0.1'
    // An address, not a name: the relay's multiaddr is /ip4 or /ip6 and the app dials exactly it.
    if (isIP(host) === 0) throw new Error(`HOST must be an IPv4 or IPv6 address such as 127.0.0.1 or ::1, got "${host}"`)
    if (args.includes('--turn')) turnPlan = planTurn(host)
    // The relay's own settings parser validates RELAY_* and TURN_* (a bad value names its
    // variable); host and port are ours: HOST is shared by both servers.
    const { host: _host, port: _port, ...relay } = optionsFromEnv({
      ...process.env,
      RELAY_HOST: undefined,
      RELAY_PORT: undefined,
      ...(turnPlan && { TURN_URLS: turnPlan.urls.join(','), TURN_SECRET: turnPlan.options.secret }),
    })
    if (wantsHttps(args)) certificate = await loadCertificate(host, root)
    if (turnPlan) {
      turn = await startTurnServer({ ...turnPlan.options, ...(process.env.RODA_DEBUG && { log: (line: string) => log(`[turn] ${line}`) }) })
    }
    running = await startRoda({
      root,
      host,
      port: portFromEnv('PORT', 5173),
      relayPort: portFromEnv('RELAY_PORT', 9090),
      build: !args.includes('--no-build'),
      relay,
      ...(certificate && { https: { key: certificate.key, cert: certificate.cert } }),
      log,
    })
  } catch (err) {
    fail(err)
  }
  await printWelcome(running, certificate, turnPlan)
}

/** 1, yes, true… as opposed to unset, empty, 0, false or no. */
function envFlag(name: string): boolean {
  const env = process.env[name]?.trim().toLowerCase()
  return env !== undefined && env !== '' && env !== '0' && env !== 'false' && env !== 'no'
}

function wantsHttps(args: string[]): boolean {
  return args.includes('--https') || envFlag('HTTPS') || Boolean(process.env.TLS_CERT?.trim())
}

interface TurnPlan {
  options: TurnServerOptions
  /** Where browsers reach coturn: HOST, or for a wildcard HOST this machine's LAN address. */
  address: string
  /** What the relay hands browsers. */
  urls: string[]
}

/** --turn: coturn's settings from the environment, and a fresh secret for it and the relay. */
function planTurn(host: string): TurnPlan {
  if (process.env.TURN_URLS?.trim() || process.env.TURN_SECRET?.trim()) {
    throw new Error('--turn runs its own coturn and sets TURN_URLS and TURN_SECRET itself: unset them, or drop --turn to use your own server')
  }
  const port = portFromEnv('TURN_PORT', DEFAULT_TURN_PORT)
  const minPort = portFromEnv('TURN_MIN_PORT', DEFAULT_TURN_MIN_PORT)
  const maxPort = portFromEnv('TURN_MAX_PORT', DEFAULT_TURN_MAX_PORT)
  if (port === 0) throw new Error('TURN_PORT must be a port from 1 to 65535: browsers are told exactly this port')
  if (minPort === 0 || maxPort < minPort) throw new Error(`TURN_MIN_PORT and TURN_MAX_PORT must be a range of ports, low to high, got ${minPort}-${maxPort}`)
  // On every interface, browsers are told the LAN address the welcome message shows first.
  const address = isWildcard(host) ? (lanAddresses()[0] ?? '127.0.0.1') : host
  return {
    options: { host, port, minPort, maxPort, public: envFlag('TURN_PUBLIC'), secret: newTurnSecret() },
    address,
    urls: turnUrls(address, port),
  }
}

/** A real certificate from TLS_CERT/TLS_KEY, or a self-signed one for this host (scripts/tls.ts). */
async function loadCertificate(host: string, root: string): Promise<Certificate> {
  const certFile = process.env.TLS_CERT?.trim()
  const keyFile = process.env.TLS_KEY?.trim()
  if (certFile || keyFile) {
    if (!certFile || !keyFile) throw new Error('TLS_CERT and TLS_KEY go together: the PEM files of a certificate and of its private key')
    return loadCertificateFiles(certFile, keyFile)
  }
  const extra = (process.env.CERT_HOSTS ?? '').split(',').map((h) => h.trim()).filter(Boolean)
  const dir = process.env.CERT_DIR?.trim() || path.join(root, '.certs')
  return selfSignedCertificate(certificateHosts(host, extra), dir)
}

async function printWelcome(running: RunningRoda, certificate: Certificate | undefined, turn: TurnPlan | undefined): Promise<void> {
  const url = new URL(running.url)
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const here = isWildcard(host) ? `${url.protocol}//127.0.0.1:${url.port}/` : running.url
  const lan = isWildcard(host)
    ? lanAddresses().map((ip) => `${url.protocol}//${ip}:${url.port}/`)
    : isLoopback(host) ? [] : [running.url]
  log('')
  log(`Roda is running at ${here}`)
  for (const address of running.relay.addresses) log(`Relay listening at ${address}`)
  if (turn) {
    const { port, minPort, maxPort } = turn.options
    const privatePeers = turn.options.public ? ', never to private addresses' : ''
    log(`TURN is on: coturn at ${hostForUrl(turn.address)}:${port} (UDP and TCP; relays through UDP ${minPort}-${maxPort}${privatePeers}), credentials from the relay`)
  } else if (process.env.TURN_URLS?.trim()) {
    log(`The relay hands out these STUN/TURN servers: ${process.env.TURN_URLS.trim()}`)
  }
  if (lan.length > 0) {
    log('')
    log(`On this network: ${lan.join('  ')}`)
    log('Open that address on this computer too, so the room links and QR codes you share work on phones.')
    log(await qrCode(lan[0]!, { type: 'terminal', small: true }))
  }
  if (certificate?.source !== 'files' && certificate) {
    log(`Self-signed certificate (${certificate.source === 'created' ? 'new' : 'kept'}${certificate.certPath ? ` in ${certificate.certPath}` : ''}), valid for ${certificate.hosts.map(hostForUrl).join(', ')}.`)
    log('Each device warns about it once: check the fingerprint and accept it (README: "Run it in a room").')
    log(`SHA-256 fingerprint: ${certificate.fingerprint}`)
  }
  if (!certificate && lan.length > 0) {
    log('Note: phones only run Roda over HTTPS (or on localhost). Start with --https to use it from the LAN.')
  }
  log('Press Ctrl+C to stop.')
}

function isLoopback(host: string): boolean {
  return host === '::1' || host.startsWith('127.')
}

main().catch(fail)
