// `npm start -- --turn`: a coturn of our own, sharing a fresh random secret with the relay, which
// mints short-lived credentials from it for each browser (signaling-relay/src/turn.ts). For
// browsers that cannot reach each other directly: different Wi-Fi networks, guest isolation, a
// strict firewall. Its configuration file and database live in a private temporary directory,
// never in the repository, and are removed when it stops.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import dgram from 'node:dgram'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { assertPortFree, hostForUrl, portErrorMessage } from './ports.ts'
import { isWildcard } from './tls.ts'

export const DEFAULT_TURN_PORT = 3478
// A small range: each browser connection relayed through TURN holds one port of it.
export const DEFAULT_TURN_MIN_PORT = 49160
export const DEFAULT_TURN_MAX_PORT = 49200

export interface TurnServerOptions {
  /** Address to bind, as HOST: 0.0.0.0 or :: for every interface. */
  host: string
  /** STUN/TURN port, UDP and TCP. */
  port: number
  /** UDP ports coturn relays through. */
  minPort: number
  maxPort: number
  /**
   * The server is reachable from the internet: refuse to relay to private addresses, or any
   * stranger who got credentials from the relay could reach machines on this network through it.
   * Off by default because on a LAN the browsers themselves have private addresses.
   */
  public: boolean
  /** The static-auth-secret shared with the relay (newTurnSecret()). */
  secret: string
  /** The turnserver binary. Default: findTurnserver(). */
  binary?: string
  /** Every line coturn logs. Default: kept only to explain a failed start. */
  log?: (line: string) => void
}

export interface RunningTurnServer {
  /** The exact command line coturn was started with (the secret is in the file, not here). */
  command: string[]
  /** Stops coturn and removes its directory; safe to call more than once. */
  stop(): Promise<void>
}

export function newTurnSecret(): string {
  return randomBytes(24).toString('hex')
}

/** The URLs browsers use: STUN, and TURN over UDP and over TCP for networks that block UDP. */
export function turnUrls(address: string, port: number): string[] {
  const at = `${hostForUrl(address)}:${port}`
  return [`stun:${at}`, `turn:${at}?transport=udp`, `turn:${at}?transport=tcp`]
}

/** turnserver on PATH, else where Debian's coturn package puts it; undefined when not installed. */
export function findTurnserver(pathEnv = process.env.PATH ?? ''): string | undefined {
  const candidates = [...pathEnv.split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'turnserver')), '/usr/bin/turnserver']
  return candidates.find((file) => {
    try {
      fs.accessSync(file, fs.constants.X_OK)
      return fs.statSync(file).isFile()
    } catch {
      return false
    }
  })
}

// Peers no browser of a room can be: "this network" and link-local (where clouds serve their
// metadata, 169.254.169.254). Ranges, not CIDR: every coturn version reads `ip-ip`.
// IPv6 ranges that lead back into IPv4 (IPv4-mapped, NAT64) would let a peer around the
// IPv4 rules, so they go with the rest.
const NEVER_PEERS = [
  '0.0.0.0-0.255.255.255',
  '169.254.0.0-169.254.255.255',
  'fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
  '::ffff:0.0.0.0-::ffff:255.255.255.255',
  '64:ff9b::-64:ff9b::ffff:ffff',
  '64:ff9b:1::-64:ff9b:1:ffff:ffff:ffff:ffff:ffff',
]
const LOOPBACK_PEERS = ['127.0.0.0-127.255.255.255', '::1']
const PRIVATE_PEERS = [
  '10.0.0.0-10.255.255.255',
  '100.64.0.0-100.127.255.255',
  '172.16.0.0-172.31.255.255',
  '192.168.0.0-192.168.255.255',
  'fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff',
]

function isLoopback(host: string): boolean {
  return host === '::1' || host.startsWith('127.')
}

/** The lines of turnserver.conf for these options, with its files in `dir`. */
export function coturnConfig(options: Omit<TurnServerOptions, 'binary' | 'log'>, dir: string): string[] {
  const loopback = isLoopback(options.host)
  const lines = [
    `listening-port=${options.port}`,
    // Unset, coturn listens on every interface (and relays from each of them).
    ...(isWildcard(options.host) ? [] : [`listening-ip=${options.host}`, `relay-ip=${options.host}`]),
    `min-port=${options.minPort}`,
    `max-port=${options.maxPort}`,
    'fingerprint',
    'use-auth-secret',
    `static-auth-secret=${options.secret}`,
    'realm=roda',
    'no-cli',
    'no-tls',
    'no-dtls',
    // RFC 5780 NAT discovery answers from a second port: nothing a browser uses.
    'no-rfc5780',
    'no-software-attribute',
    'no-multicast-peers',
    // Browsers relay UDP only. TCP relay endpoints (RFC 6062) would make the server a TCP proxy
    // for anyone who got credentials from the relay.
    'no-tcp-relay',
    ...NEVER_PEERS.map((range) => `denied-peer-ip=${range}`),
    // On loopback every peer is on this machine; anywhere else, this machine's own services
    // are not for strangers (coturn refuses loopback peers by default too).
    ...(loopback ? ['allow-loopback-peers'] : LOOPBACK_PEERS.map((range) => `denied-peer-ip=${range}`)),
    ...(options.public ? PRIVATE_PEERS.map((range) => `denied-peer-ip=${range}`) : []),
    'log-file=stdout',
    'simple-log',
    `pidfile=${path.join(dir, 'turnserver.pid')}`,
    // Unused with a static secret, but coturn opens a database anyway: keep it out of /var.
    `userdb=${path.join(dir, 'turndb')}`,
  ]
  return lines
}

// Runs coturn under sh so that it stops when we do, however we end: closing our end of the pipe
// on sh's stdin (stop(), a crash, even SIGKILL) makes the watcher kill it. Then sh removes its
// directory ($1), secret included. sh's own stderr goes nowhere: its "Terminated" into a pipe
// nobody reads any more would kill it by SIGPIPE before the rm.
const WATCHDOG = [
  'dir=$1; shift',
  'exec 3<&0 </dev/null 4>&2 2>/dev/null',
  '"$@" 2>&4 3<&- 4>&- & pid=$!',
  '{ read -r _ <&3; kill "$pid" 2>/dev/null; } & watcher=$!',
  'wait "$pid"; status=$?',
  'kill "$watcher" 2>/dev/null',
  'rm -rf "$dir"',
  'exit "$status"',
].join('\n')
const READY_TIMEOUT_MS = 5_000
const STOP_TIMEOUT_MS = 3_000
const KEPT_LOG_LINES = 30

/** Starts coturn and resolves once it answers a STUN request. */
export async function startTurnServer(options: TurnServerOptions): Promise<RunningTurnServer> {
  const binary = options.binary ?? findTurnserver()
  if (binary == null) throw new Error('--turn needs coturn, which is not installed: apt-get install coturn (or put turnserver on PATH)')
  await assertPortFree(options.host, options.port, 'TURN server', 'TURN_PORT')
  await assertUdpPortFree(options.host, options.port)

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roda-turn-'))
  const configFile = path.join(dir, 'turnserver.conf')
  fs.writeFileSync(configFile, `${coturnConfig(options, dir).join('\n')}\n`, { mode: 0o600 })
  const command = [binary, '-c', configFile]

  const recent: string[] = []
  const onLine = (line: string): void => {
    if (line.trim() === '') return
    recent.push(line)
    if (recent.length > KEPT_LOG_LINES) recent.shift()
    options.log?.(line)
  }
  // Its own process group, so a Ctrl-C in the terminal reaches only us and we stop it in order.
  const child = spawn('sh', ['-c', WATCHDOG, 'roda-turn', dir, ...command], { stdio: ['pipe', 'pipe', 'pipe'], detached: true })
  child.stdin!.on('error', () => {}) // EPIPE once sh is gone: nothing left to stop
  readLines(child.stdout!, onLine)
  readLines(child.stderr!, onLine)
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve())
    child.once('error', () => resolve()) // no sh to spawn: the same as coturn failing to start
  })
  const cleanUp = (): void => fs.rmSync(dir, { recursive: true, force: true })
  // process.exit() from anywhere (a failed start, a second Ctrl-C) skips stop().
  const onExit = (): void => {
    killGroup(child, 'SIGTERM')
    cleanUp()
  }
  process.on('exit', onExit)

  let stopping: Promise<void> | undefined
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      child.stdin!.end()
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), STOP_TIMEOUT_MS)
      await exited
      clearTimeout(timer)
      process.off('exit', onExit)
      cleanUp()
    })()
    return stopping
  }

  const probe = isWildcard(options.host) ? (options.host === '::' ? '::1' : '127.0.0.1') : options.host
  const ready = await Promise.race([
    answersStun(probe, options.port, READY_TIMEOUT_MS),
    exited.then(() => false),
  ])
  if (!ready) {
    await stop()
    throw new Error(`coturn did not start (${command.join(' ')}):\n${recent.join('\n')}`)
  }
  return { command, stop }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid == null || child.exitCode != null || child.signalCode != null) return
  try {
    process.kill(-child.pid, signal)
  } catch {
    // Already gone.
  }
}

function readLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = ''
  stream.setEncoding('utf8')
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n')
    rest = lines.pop()!
    for (const line of lines) onLine(line)
  })
  stream.on('end', () => {
    if (rest !== '') onLine(rest)
  })
}

async function assertUdpPortFree(host: string, port: number): Promise<void> {
  const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4')
  await new Promise<void>((resolve, reject) => {
    socket.once('error', (err: NodeJS.ErrnoException) => {
      socket.close()
      reject(new Error(portErrorMessage(host, port, 'TURN server (UDP)', 'TURN_PORT', err)))
    })
    socket.bind({ address: host, port, exclusive: true }, () => socket.close(() => resolve()))
  })
}

/** Whether host:port answers a STUN Binding request (RFC 8489) over UDP within ms. */
async function answersStun(host: string, port: number, ms: number): Promise<boolean> {
  const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4')
  const id = randomBytes(12)
  const request = Buffer.concat([Buffer.from([0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42]), id])
  const send = (): void => socket.send(request, port, host, () => {})
  let deadline: NodeJS.Timeout | undefined
  let resend: NodeJS.Timeout | undefined
  try {
    return await new Promise<boolean>((resolve) => {
      deadline = setTimeout(() => resolve(false), ms)
      // Until coturn has bound the port, requests vanish (or come back as ICMP errors): resend.
      resend = setInterval(send, 100)
      socket.on('error', () => {})
      socket.on('message', (msg) => {
        if (msg.length >= 20 && msg.readUInt16BE(0) === 0x0101 && msg.subarray(8, 20).equals(id)) resolve(true)
      })
      send()
    })
  } finally {
    clearTimeout(deadline)
    clearInterval(resend)
    socket.close()
  }
}
