// `npm start`: build the app, start the relay and serve the app, all on 127.0.0.1 by default.
//
//   npm start                    build, then serve on http://127.0.0.1:5173/ with a relay on :9090
//   npm start -- --no-build      serve the existing dist/
//   npm start -- --https         HTTPS app and wss relay, self-signed certificate (or TLS_CERT/TLS_KEY)
//   HOST=0.0.0.0 npm start -- --https   the same for every device on the LAN: prints its URL and a QR code
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

const USAGE = `Usage: npm start [-- --no-build] [-- --https]

  --no-build   serve the existing dist/ instead of building first
  --https      serve the app over HTTPS and the relay over wss:// (phones need it on a LAN);
               with a self-signed certificate kept in .certs/ unless TLS_CERT/TLS_KEY are set
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
  const unknown = args.filter((a) => a !== '--no-build' && a !== '--https')
  if (unknown.length > 0) {
    console.error(`Unknown argument(s): ${unknown.join(' ')}\n\n${USAGE}`)
    process.exit(2)
  }

  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
  let running: RunningRoda | undefined
  let certificate: Certificate | undefined
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
    if (wantsHttps(args)) certificate = await loadCertificate(host, root)
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
  await printWelcome(running, certificate)
}

function wantsHttps(args: string[]): boolean {
  const env = process.env.HTTPS?.trim().toLowerCase()
  return args.includes('--https') || (env !== undefined && env !== '' && env !== '0' && env !== 'false' && env !== 'no') || Boolean(process.env.TLS_CERT?.trim())
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

async function printWelcome(running: RunningRoda, certificate: Certificate | undefined): Promise<void> {
  const url = new URL(running.url)
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const here = isWildcard(host) ? `${url.protocol}//127.0.0.1:${url.port}/` : running.url
  const lan = isWildcard(host)
    ? lanAddresses().map((ip) => `${url.protocol}//${ip}:${url.port}/`)
    : isLoopback(host) ? [] : [running.url]
  log('')
  log(`Roda is running at ${here}`)
  for (const address of running.relay.addresses) log(`Relay listening at ${address}`)
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
