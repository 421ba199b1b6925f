// Real NATs for end-to-end tests: network namespaces built inside the test, with Linux routers
// doing the address translation, a TURN server on the "internet", and Chromium run in the homes.
//
//   const net = await Topology.create({ homes: [{ name: 'a', nat: 'eim' }, { name: 'b', nat: 'symmetric' }] })
//   const turn = await net.startCoturn()                  // coturn on the internet, shared-secret auth
//   const browser = await net.launchBrowser('a')          // a whole Chromium inside home a
//   …
//   await net.close()                                     // also in afterEach: idempotent
//
//             internet namespace: bridge "inet", 198.51.100.2 (coturn, Roda, anything you spawn)
//          ┌───────────────┴───────────────┐
//   router a: wan 198.51.100.11     router b: wan 198.51.100.12      NAT on POSTROUTING -o wan
//             lan 192.168.1.1                 lan 192.168.2.1
//              │                               │  (a bridge when a home has several devices)
//   device a: eth0 192.168.1.2      device b: eth0 192.168.2.2       default route via the router
//
// API
// - `Topology.create({ homes })`: each home is `{ name, nat, devices?, isolated?, subnet? }`.
//   - `nat: 'eim'`: `MASQUERADE`. Linux keeps the source port, so the mapping is
//     endpoint-independent and a STUN (srflx) candidate works for other peers; filtering is by
//     connection (address and port dependent), as on most home routers.
//   - `nat: 'symmetric'`: `MASQUERADE --random-fully`: a new random port per destination, so the
//     port STUN saw is useless to anyone else and only TURN gets through.
//   - `devices`: device names on that home's LAN (default: one device named like the home).
//     Device names are unique across the topology.
//   - `isolated: true`: client isolation, as on a guest Wi-Fi: the devices share one bridge whose
//     ports are isolated (`bridge link set … isolated on`), so they reach the router but not each
//     other, and two devices behind the same NAT cannot use each other's host or srflx candidates
//     (the router does no hairpin NAT). Only TURN connects them. `isolated: false` builds the same
//     bridge without isolation; `net.setIsolation(home, on)` toggles it later.
//   - `subnet`: first three octets of the LAN (default 192.168.<n>); give two homes the same one
//     to reproduce the usual "everyone is 192.168.1.x".
// - `net.internet`, `net.router(home)`, `net.device(name)`: a `Namespace` with `address`, `pid`,
//   `exec(cmd, args)` (resolves with stdout, rejects with stderr) and `spawn(cmd, args, options)`.
//   Processes spawned there die with the test process (parent-death signal).
// - `net.publicAddress(home)`: the router's wan address, what STUN reports for that home.
// - `net.startCoturn({ secret?, port?, args? })`: coturn on the internet address, `use-auth-secret`.
//   Returns `{ stunUrl, turnUrls, secret, credentials(label), iceServers(label), log(), waitForLog(re),
//   stop() }`. `credentials` mints the TURN REST username `<expiry>:<label>` and its password.
// - `net.chromiumPath(device)`: a wrapper script for Playwright's `executablePath` that runs
//   Chromium in that device's namespace; `net.launchBrowser(device, { args })` launches it with
//   `deviceChromiumArgs()` (e2e/fixtures.ts chromiumArgs() minus
//   `--allow-loopback-in-peer-connection`) plus `args`, and closes it in `net.close()`. Without
//   that switch a device has no loopback candidates. With it and media permission granted (as
//   e2e/fixtures.ts grants it), Chromium also gathered on lo, its TURN allocations from 127.0.0.1
//   timed out, gathering took about 40 s and ICE then failed.
// - `net.setLink(device, 'up' | 'down')`: the device's only link; Chromium's navigator.onLine
//   follows it. `net.setUplink(home, 'up' | 'down')`: the router's wan (the LAN stays up, so the
//   browser still believes it is online).
// - `net.startRoda({ env? })`: `npm start -- --no-build --https` on the internet address (needs
//   dist/, i.e. `npm run build`); resolves at "Roda is running at …" with `{ url, output(),
//   stop(), restart() }`. Launch browsers with `--ignore-certificate-errors` to open it.
// - `net.close()`: browsers, servers and namespaces go. If the test process dies instead, the
//   namespaces still go: each is held by a `read` on a pipe from this process, and every process
//   started in them has a parent-death signal.
//
// Why it is built like this (measured on Debian 12, kernel 6.x, run as root):
// - No `ip netns add`: it needs /run/netns and leaves mounts behind when a test dies. A holder
//   process (`unshare -n sh -c '…; read _'`) owns each namespace; `nsenter -t <pid> -n` enters it.
//   This nests inside the loopback-only namespace of e2e/run-isolated.sh: that namespace is only
//   where the veth pairs are created from, and they are created straight into their namespaces.
// - Every namespace that routes beyond its LAN has a default route to a neighbour that does not
//   exist (198.51.100.1, permanent ARP entry to an unused MAC). Without it, coturn's packets to a
//   peer's private host candidate fail with "network unreachable", and coturn closes the whole
//   allocation after about 6 s. With it, such packets vanish silently, as on the internet.
// - Routers drop unsolicited inbound packets on INPUT as well as FORWARD. Otherwise a stray ICE
//   check to the router's own address creates a conntrack entry that can shift a later mapping.
// - Both iptables back ends work in namespaces here; the first of iptables, iptables-nft,
//   iptables-legacy (or E2E_IPTABLES) that can add a MASQUERADE --random-fully rule is used.
// - IPv6 is off in every namespace: the paths under test are IPv4, and link-local v6 candidates
//   would only add noise (and duplicate address detection delays).
// - coturn runs with -v: without it, it logs nothing per session (no allocation, no usage).
//
// Costs on a 2-core machine: a topology of two homes builds in 130–400 ms (up to 900 ms while
// other processes are busy), two Chromiums launch in 1.2–2.7 s, ICE connects in 0.3–0.9 s, and
// fails (symmetric NAT, no TURN) after 15.4 s. `startRoda` is up in 3–10 s (tsx compiles at start).
import { execFile, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { createHmac, randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type LaunchOptions } from '@playwright/test'
import { CHROMIUM_PATH, chromiumArgs } from '../fixtures.ts'

export type NatKind = 'eim' | 'symmetric'

export interface HomeSpec {
  name: string
  nat: NatKind
  /** Device names on this home's LAN; default one device named like the home. */
  devices?: string[]
  /** Client isolation between this home's devices (guest Wi-Fi). */
  isolated?: boolean
  /** First three octets of the LAN, e.g. '192.168.1'; default 192.168.<home number>. */
  subnet?: string
}

export interface TopologyOptions {
  homes: HomeSpec[]
}

export type LinkState = 'up' | 'down'

export const INTERNET_PREFIX = '198.51.100'
/** The internet namespace's address: where servers listen. */
export const INTERNET_ADDRESS = `${INTERNET_PREFIX}.2`
/** Default gateway of the internet side: it does not exist, so packets there vanish. */
const BLACKHOLE_GATEWAY = `${INTERNET_PREFIX}.1`
const BLACKHOLE_MAC = '02:00:00:00:00:fe'

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')

function run(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')}: ${stderr.trim() || err.message}`))
      else resolve(stdout)
    })
    if (input !== undefined) child.stdin!.end(input)
  })
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

/** SIGTERM, then SIGKILL if it is still there after `graceMs`. */
async function terminate(child: ChildProcess, graceMs = 3_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await exited(child)
  clearTimeout(timer)
}

/** Resolves with the first match of `re` in the text `child` has written so far or writes later. */
function waitForOutput(child: ChildProcess, output: () => string, re: RegExp, timeoutMs: number, what: string): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = re.exec(output())
      if (!m) return false
      cleanup()
      resolve(m)
      return true
    }
    const onExit = (code: number | null) => {
      if (check()) return
      cleanup()
      reject(new Error(`${what} exited (${code}) before printing ${re}:\n${output()}`))
    }
    const timer = setTimeout(() => {
      cleanup()
      reject(new Error(`${what} did not print ${re} within ${timeoutMs} ms:\n${output()}`))
    }, timeoutMs)
    const cleanup = () => {
      clearTimeout(timer)
      child.stdout?.off('data', check)
      child.stderr?.off('data', check)
      child.off('exit', onExit)
    }
    if (check()) return
    child.stdout?.on('data', check)
    child.stderr?.on('data', check)
    child.once('exit', onExit)
  })
}

/** A network namespace held by a child process; gone when that process exits. */
export class Namespace {
  private constructor(
    readonly name: string,
    private readonly holder: ChildProcess,
    readonly pid: number,
    /** The address other namespaces reach this one at. */
    readonly address: string,
    private readonly spawned: Set<ChildProcess>,
  ) {}

  static async create(name: string, address: string, spawned: Set<ChildProcess>): Promise<Namespace> {
    // setpriv, unshare and sh each exec the next, so the pid is the holder's. "ready" only comes
    // after unshare(2): entering the pid earlier would configure the namespace we run in.
    const holder = spawn('setpriv', ['--pdeathsig', 'KILL', '--', 'unshare', '-n', 'sh', '-c', 'ip link set lo up && echo ready && read _'], {
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let out = ''
    holder.stdout!.on('data', (chunk: Buffer) => { out += chunk.toString() })
    holder.stderr!.on('data', (chunk: Buffer) => { out += chunk.toString() })
    await waitForOutput(holder, () => out, /^ready$/m, 10_000, `namespace holder "${name}"`)
    return new Namespace(name, holder, holder.pid!, address, spawned)
  }

  /** Runs a command in this namespace; resolves with its stdout. */
  exec(cmd: string, args: string[] = [], input?: string): Promise<string> {
    return run('nsenter', ['-t', String(this.pid), '-n', cmd, ...args], input)
  }

  /** Runs a shell script (`sh -ec`) in this namespace. */
  sh(script: string): Promise<string> {
    return this.exec('sh', ['-ec', script])
  }

  /**
   * Starts a long-running process in this namespace. It gets SIGKILL if the test process dies,
   * and SIGTERM (then SIGKILL) from `Topology.close()` if it is still running.
   */
  spawn(cmd: string, args: string[] = [], options: SpawnOptions = {}): ChildProcess {
    const child = spawn('nsenter', ['-t', String(this.pid), '-n', 'setpriv', '--pdeathsig', 'KILL', '--', cmd, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      ...options,
    })
    this.spawned.add(child)
    child.once('exit', () => this.spawned.delete(child))
    return child
  }

  /** Ends the holder: the namespace goes once the last process in it has exited. */
  async close(): Promise<void> {
    this.holder.stdin!.end()
    const timer = setTimeout(() => this.holder.kill('SIGKILL'), 2_000)
    await exited(this.holder)
    clearTimeout(timer)
  }
}

interface Home {
  spec: HomeSpec
  index: number
  router: Namespace
  lanPrefix: string
  devices: string[]
}

interface DeviceInfo {
  ns: Namespace
  home: Home
  gateway: string
}

export interface CoturnOptions {
  /** Shared secret of `use-auth-secret`; default random. */
  secret?: string
  /** Listening port (UDP and TCP); default 3478. */
  port?: number
  /** Extra turnserver arguments. */
  args?: string[]
}

export interface TurnCredentials {
  username: string
  credential: string
}

export interface Coturn {
  stunUrl: string
  /** turn: over UDP, then over TCP. */
  turnUrls: string[]
  secret: string
  /** TURN REST API credentials: username `<expiry>:<label>`, password base64(HMAC-SHA1(secret, username)). */
  credentials(label: string, ttlSeconds?: number): TurnCredentials
  /** iceServers with this server as STUN and TURN (with fresh credentials for `label`). */
  iceServers(label: string): RTCIceServer[]
  /** Everything coturn has logged so far. */
  log(): string
  waitForLog(re: RegExp, timeoutMs?: number): Promise<RegExpExecArray>
  stop(): Promise<void>
}

export interface RodaServer {
  /** e.g. https://198.51.100.2:5173/ */
  url: string
  /** Everything the server has printed since it (last) started. */
  output(): string
  stop(): Promise<void>
  /** Stops it and starts it again with the same ports, certificate and environment. */
  restart(): Promise<void>
}

export interface RodaOptions {
  /** Extra environment for `npm start` (e.g. TURN settings); HOST is the internet address. */
  env?: Record<string, string>
  timeoutMs?: number
}

/** TURN REST API credentials for coturn's `use-auth-secret` (draft-uberti-behave-turn-rest). */
export function turnCredentials(secret: string, label: string, ttlSeconds = 3_600): TurnCredentials {
  const username = `${Math.floor(Date.now() / 1000) + ttlSeconds}:${label}`
  const credential = createHmac('sha1', secret).update(username).digest('base64')
  return { username, credential }
}

let iptablesCommand: string | undefined

async function findIptables(ns: Namespace): Promise<string> {
  if (iptablesCommand) return iptablesCommand
  const candidates = process.env.E2E_IPTABLES ? [process.env.E2E_IPTABLES] : ['iptables', 'iptables-nft', 'iptables-legacy']
  const errors: string[] = []
  for (const ipt of candidates) {
    try {
      await ns.sh(`${ipt} -w -t nat -A POSTROUTING -o lo -j MASQUERADE --random-fully; ${ipt} -w -t nat -F POSTROUTING`)
      iptablesCommand = ipt
      return ipt
    } catch (err) {
      errors.push((err as Error).message)
    }
  }
  throw new Error(`no iptables that can NAT in a network namespace (apt-get install -y iptables):\n${errors.join('\n')}`)
}

const NO_IPV6 = 'echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6; echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6'
// Where br_netfilter is loaded (it is here: Docker loads it), frames crossing a bridge also go
// through iptables, so the router's FORWARD policy would silently isolate its LAN's devices from
// each other, and conntrack on the internet bridge would see every home's traffic. Bridges here
// switch frames and nothing more; client isolation is the bridge's own port isolation.
const BRIDGE_WITHOUT_IPTABLES = 'for f in iptables ip6tables arptables; do p=/proc/sys/net/bridge/bridge-nf-call-$f; if [ -w $p ]; then echo 0 > $p; fi; done'

/**
 * e2e/fixtures.ts chromiumArgs() for a browser in a device namespace (see `launchBrowser` at the
 * top: no loopback candidates), for tests that launch through `chromiumPath` themselves.
 */
export function deviceChromiumArgs(userDataDir: string, options: { persistent?: boolean } = {}): string[] {
  return chromiumArgs(userDataDir, options).filter((a) => a !== '--allow-loopback-in-peer-connection')
}

export class Topology {
  /** Milliseconds `create()` took. */
  createMs = 0
  private readonly homes = new Map<string, Home>()
  private readonly devices = new Map<string, DeviceInfo>()
  private readonly browsers = new Set<Browser>()
  private readonly stoppers = new Set<() => Promise<void>>()
  private namespaces: Namespace[] = []
  private closed = false

  private constructor(
    readonly internet: Namespace,
    /** Temporary directory for wrappers, logs and certificates; removed by close(). */
    readonly dir: string,
    /** What Namespace.spawn started in any of the namespaces, for close() to stop. */
    private readonly spawned: Set<ChildProcess>,
  ) {}

  static async create(options: TopologyOptions): Promise<Topology> {
    const started = Date.now()
    // Routers take 198.51.100.11 and up, LAN addresses .2 and up: both stop before .254.
    if (options.homes.length > 200) throw new Error('Topology: at most 200 homes')
    if (options.homes.some((h) => (h.devices?.length ?? 1) > 200)) throw new Error('Topology: at most 200 devices per home')
    const names = new Set<string>()
    for (const spec of options.homes) {
      for (const name of [`home ${spec.name}`, ...(spec.devices ?? [spec.name]).map((d) => `device ${d}`)]) {
        if (names.has(name)) throw new Error(`Topology: duplicate ${name}`)
        names.add(name)
      }
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roda-e2e-nat-'))
    const spawned = new Set<ChildProcess>()
    const internet = await Namespace.create('internet', INTERNET_ADDRESS, spawned)
    const net = new Topology(internet, dir, spawned)
    net.namespaces.push(internet)
    try {
      await net.build(options.homes)
    } catch (err) {
      await net.close()
      throw err
    }
    net.createMs = Date.now() - started
    return net
  }

  private async build(specs: HomeSpec[]): Promise<void> {
    const ipt = await findIptables(this.internet)

    // All holders at once: each is a process start, the slow part.
    const homes = await Promise.all(specs.map(async (spec, index): Promise<Home> => {
      const router = await Namespace.create(`router ${spec.name}`, `${INTERNET_PREFIX}.${11 + index}`, this.spawned)
      this.namespaces.push(router)
      return { spec, index, router, lanPrefix: spec.subnet ?? `192.168.${index + 1}`, devices: spec.devices ?? [spec.name] }
    }))
    for (const home of homes) this.homes.set(home.spec.name, home)
    await Promise.all(homes.flatMap((home) => home.devices.map(async (name, i) => {
      const ns = await Namespace.create(`device ${name}`, `${home.lanPrefix}.${i + 2}`, this.spawned)
      this.namespaces.push(ns)
      this.devices.set(name, { ns, home, gateway: `${home.lanPrefix}.1` })
    })))
    // Each veth is created straight into its two namespaces: nothing appears in the namespace
    // this test runs in, so nothing can leak there.
    const links: string[] = []
    for (const home of homes) {
      links.push(`link add wan${home.index} netns ${this.internet.pid} type veth peer name wan netns ${home.router.pid}`)
      home.devices.forEach((name, i) => {
        const lanName = this.lanBridged(home) ? `lan${i}` : 'lan'
        links.push(`link add ${lanName} netns ${home.router.pid} type veth peer name eth0 netns ${this.devices.get(name)!.ns.pid}`)
      })
    }
    await run('ip', ['-batch', '-'], links.join('\n') + '\n')

    const scripts: Promise<string>[] = []
    scripts.push(this.internet.sh([
      NO_IPV6,
      BRIDGE_WITHOUT_IPTABLES,
      'ip link add inet type bridge',
      ...homes.map((h) => `ip link set wan${h.index} master inet && ip link set wan${h.index} up`),
      `ip addr add ${INTERNET_ADDRESS}/24 dev inet`,
      'ip link set inet up',
      this.blackholeRoute('inet'),
    ].join('\n')))
    for (const home of homes) {
      const { router, lanPrefix } = home
      const lan = this.lanBridged(home)
        ? [
            'ip link add lan type bridge',
            ...home.devices.map((_, i) => `ip link set lan${i} master lan && ip link set lan${i} up${home.spec.isolated ? ` && bridge link set dev lan${i} isolated on` : ''}`),
          ]
        : []
      scripts.push(router.sh([
        NO_IPV6,
        BRIDGE_WITHOUT_IPTABLES,
        'echo 1 > /proc/sys/net/ipv4/ip_forward',
        ...lan,
        `ip addr add ${router.address}/24 dev wan && ip link set wan up`,
        `ip addr add ${lanPrefix}.1/24 dev lan && ip link set lan up`,
        this.blackholeRoute('wan'),
        `${ipt} -w -t nat -A POSTROUTING -o wan -j MASQUERADE${home.spec.nat === 'symmetric' ? ' --random-fully' : ''}`,
        `${ipt} -w -P FORWARD DROP`,
        `${ipt} -w -A FORWARD -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`,
        `${ipt} -w -A FORWARD -i lan -o wan -j ACCEPT`,
        `${ipt} -w -P INPUT DROP`,
        `${ipt} -w -A INPUT -i lo -j ACCEPT`,
        `${ipt} -w -A INPUT -i lan -j ACCEPT`,
        `${ipt} -w -A INPUT -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`,
      ].join('\n')))
      for (const name of home.devices) {
        const device = this.devices.get(name)!
        scripts.push(device.ns.sh([
          NO_IPV6,
          `ip addr add ${device.ns.address}/24 dev eth0`,
          'ip link set eth0 up',
          `ip route add default via ${device.gateway}`,
        ].join('\n')))
      }
    }
    await Promise.all(scripts)

    for (const [name, device] of this.devices) {
      // setpriv: Chromium dies with Playwright's process even if Playwright cannot close it.
      fs.writeFileSync(this.wrapperPath(name), `#!/bin/sh\nexec nsenter -t ${device.ns.pid} -n setpriv --pdeathsig KILL -- ${CHROMIUM_PATH} "$@"\n`, { mode: 0o755 })
    }
  }

  private lanBridged(home: Home): boolean {
    return home.devices.length > 1 || home.spec.isolated !== undefined
  }

  private blackholeRoute(dev: string): string {
    return `ip neigh replace ${BLACKHOLE_GATEWAY} lladdr ${BLACKHOLE_MAC} dev ${dev} nud permanent\nip route replace default via ${BLACKHOLE_GATEWAY} dev ${dev}`
  }

  private wrapperPath(device: string): string {
    return path.join(this.dir, `chromium-${device.replace(/[^A-Za-z0-9_-]/g, '_')}`)
  }

  private home(name: string): Home {
    const home = this.homes.get(name)
    if (!home) throw new Error(`Topology: no home "${name}" (homes: ${[...this.homes.keys()].join(', ')})`)
    return home
  }

  private deviceInfo(name: string): DeviceInfo {
    const device = this.devices.get(name)
    if (!device) throw new Error(`Topology: no device "${name}" (devices: ${[...this.devices.keys()].join(', ')})`)
    return device
  }

  router(home: string): Namespace {
    return this.home(home).router
  }

  device(name: string): Namespace {
    return this.deviceInfo(name).ns
  }

  /** The home's public address: its router's wan. */
  publicAddress(home: string): string {
    return this.home(home).router.address
  }

  /** Playwright `executablePath` that runs Chromium inside the device's namespace. */
  chromiumPath(device: string): string {
    this.deviceInfo(device)
    return this.wrapperPath(device)
  }

  /** Chromium in the device's namespace with deviceChromiumArgs() plus `args`. */
  async launchBrowser(device: string, options: { args?: string[] } & Omit<LaunchOptions, 'args'> = {}): Promise<Browser> {
    const { args = [], ...rest } = options
    const userDataDir = fs.mkdtempSync(path.join(this.dir, `profile-${device}-`))
    const browser = await chromium.launch({
      executablePath: this.chromiumPath(device),
      ignoreDefaultArgs: true,
      args: [...deviceChromiumArgs(userDataDir), ...args],
      headless: true,
      timeout: 30_000,
      ...rest,
    })
    this.browsers.add(browser)
    browser.once('disconnected', () => this.browsers.delete(browser))
    return browser
  }

  /** Takes the device's only link down or up; navigator.onLine follows. */
  async setLink(device: string, state: LinkState): Promise<void> {
    const { ns, gateway } = this.deviceInfo(device)
    // Taking a link down deletes the routes through it: put the default route back.
    await ns.sh(state === 'down' ? 'ip link set eth0 down' : `ip link set eth0 up\nip route replace default via ${gateway}`)
  }

  /** Turns client isolation between the home's devices on or off (the home needs a LAN bridge). */
  async setIsolation(home: string, isolated: boolean): Promise<void> {
    const h = this.home(home)
    if (!this.lanBridged(h)) throw new Error(`Topology: home "${home}" has one device and no bridge; create it with isolated: false to toggle isolation later`)
    await h.router.sh(h.devices.map((_, i) => `bridge link set dev lan${i} isolated ${isolated ? 'on' : 'off'}`).join('\n'))
    // While isolated, a device's ARP requests for its neighbours failed and the kernel keeps
    // those entries as failed for a while: start the devices from a clean neighbour table.
    await Promise.all(h.devices.map((name) => this.deviceInfo(name).ns.exec('ip', ['neigh', 'flush', 'dev', 'eth0'])))
  }

  /** Cuts the home's router off the internet (or reconnects it); its LAN stays up. */
  async setUplink(home: string, state: LinkState): Promise<void> {
    const { router } = this.home(home)
    // Going down flushes the wan's neighbours and routes, the black hole's permanent entry too.
    await router.sh(state === 'down' ? 'ip link set wan down' : `ip link set wan up\n${this.blackholeRoute('wan')}`)
  }

  async startCoturn(options: CoturnOptions = {}): Promise<Coturn> {
    const secret = options.secret ?? randomBytes(18).toString('base64url')
    const port = options.port ?? 3478
    const address = this.internet.address
    const dir = fs.mkdtempSync(path.join(this.dir, 'coturn-'))
    const child = this.internet.spawn('turnserver', [
      '-n', // no config file: everything is on this line
      '--listening-ip', address,
      '--relay-ip', address,
      '--listening-port', String(port),
      '--min-port', '49152',
      '--max-port', '65535',
      '--use-auth-secret',
      '--static-auth-secret', secret,
      '--realm', 'roda.test',
      '--fingerprint',
      '--no-cli',
      '--no-tls',
      '--no-dtls',
      '--no-multicast-peers',
      // Deployments deny private and reserved peers (no relaying into the TURN server's own
      // network). Some deny lists include the documentation ranges too: the test's internet must
      // stay allowed whatever is added with `args`.
      '--denied-peer-ip=10.0.0.0-10.255.255.255',
      '--denied-peer-ip=172.16.0.0-172.31.255.255',
      '--denied-peer-ip=192.168.0.0-192.168.255.255',
      `--allowed-peer-ip=${INTERNET_PREFIX}.0-${INTERNET_PREFIX}.255`,
      // Without -v coturn logs nothing per session, and the tests read allocations from the log.
      '-v',
      '--log-file', 'stdout',
      '--simple-log',
      // Not /var: the tests never write system files, and two runs never share a database.
      '--pidfile', path.join(dir, 'turnserver.pid'),
      '--db', path.join(dir, 'turndb'),
      ...(options.args ?? []),
    ])
    let log = ''
    child.stdout!.on('data', (chunk: Buffer) => { log += chunk.toString() })
    child.stderr!.on('data', (chunk: Buffer) => { log += chunk.toString() })
    // Printed once the listeners and relay threads are up.
    await waitForOutput(child, () => log, /Total General servers/, 10_000, 'turnserver')
    const stop = async () => {
      this.stoppers.delete(stop)
      await terminate(child)
    }
    this.stoppers.add(stop)
    const credentials = (label: string, ttlSeconds?: number) => turnCredentials(secret, label, ttlSeconds)
    const turnUrls = [`turn:${address}:${port}?transport=udp`, `turn:${address}:${port}?transport=tcp`]
    const stunUrl = `stun:${address}:${port}`
    return {
      stunUrl,
      turnUrls,
      secret,
      credentials,
      iceServers: (label) => [{ urls: stunUrl }, { urls: turnUrls, ...credentials(label) }],
      log: () => log,
      waitForLog: (re, timeoutMs = 10_000) => waitForOutput(child, () => log, re, timeoutMs, 'turnserver'),
      stop,
    }
  }

  async startRoda(options: RodaOptions = {}): Promise<RodaServer> {
    const certDir = fs.mkdtempSync(path.join(this.dir, 'certs-'))
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOST: this.internet.address,
      CERT_DIR: certDir,
      // Every device of a home arrives from one public address: the relay's default of 5 new
      // connections per second from one address would make tests flaky.
      RELAY_INBOUND_CONNECTION_THRESHOLD: '1000',
      ...options.env,
    }
    const timeoutMs = options.timeoutMs ?? 30_000
    let child: ChildProcess | undefined
    let output = ''
    const start = async (): Promise<string> => {
      output = ''
      const c = this.internet.spawn(process.execPath, ['--import', './scripts/polyfill.mjs', '--import', 'tsx', 'scripts/start.ts', '--no-build', '--https'], { cwd: ROOT, env })
      child = c
      c.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
      c.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
      // The welcome's last line: the URL and the certificate's fingerprint are out before it.
      const m = await waitForOutput(c, () => output, /Roda is running at (\S+)[\s\S]*Press Ctrl\+C to stop/, timeoutMs, 'npm start')
      return m[1]!
    }
    const stop = async () => {
      if (child) await terminate(child, 6_000)
    }
    this.stoppers.add(stop)
    const url = await start()
    return {
      url,
      output: () => output,
      stop,
      async restart() {
        await stop()
        await start()
      },
    }
  }

  /** Closes browsers, stops servers, ends the namespaces. Safe to call more than once. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    await Promise.all([...this.browsers].map((b) => b.close().catch(() => {})))
    await Promise.all([...this.stoppers].map((stop) => stop().catch(() => {})))
    await Promise.all([...this.spawned].map((child) => terminate(child)))
    await Promise.all(this.namespaces.map((ns) => ns.close()))
    fs.rmSync(this.dir, { recursive: true, force: true })
  }
}
