// The relay under load: resident memory and CPU time of the relay process while it holds 100 and
// then 500 simulated peers (Node libp2p clients on loopback, each with a circuit relay v2
// reservation and a rendezvous stream joined to a room of 10), and the time one more peer takes
// to sign up (connect, reserve, get its rendezvous answer) under that load, against the same
// measurement on the idle relay of the same run.
//
// The relay runs as its own process (the real signaling-relay/src/main.ts, with a small preload
// that reports its heap over IPC), so /proc/<pid> shows its memory and CPU alone. The peers live
// in WORKERS load-worker processes; one more process only runs the timed probes.
// No browser: this file uses Playwright only as the benchmark runner.
import { expect, test } from '@playwright/test'
import { ROOM_SIZE, type GrowResult, type MemoryResult, type SignUp, type StatusResult } from './relay/ipc.ts'
import { lines, Rpc, sampleProc, spawnNode, stopChild, type ProcSample } from './relay/processes.ts'
import { median, record, round, type Figure } from './results.ts'
import type { ChildProcess } from 'node:child_process'

const WORKERS = 4
const STAGES = [100, 500]
/**
 * Sign-ups in flight per worker. libp2p refuses inbound connections past
 * maxIncomingPendingConnections (10, not configurable through the relay's settings), so the
 * whole load generator keeps fewer than 10 connections upgrading at once.
 */
const CONCURRENCY = 2
const PROBES = 5
const WARM_UP_PROBES = 2
const SETTLE_MS = 5_000
const HOLD_MS = 10_000
const TARGET_KB_PER_PEER = 500

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

interface RelayProcess {
  child: ChildProcess
  rpc: Rpc
  address: string
  /** Peer count from the relay's own connect/disconnect log lines. */
  peers(): number
  disconnects(): number
}

async function startRelay(children: ChildProcess[]): Promise<RelayProcess> {
  const child = spawnNode('signaling-relay/src/main.ts', [], {
    nodeArgs: ['--expose-gc'],
    imports: ['./bench/relay/relay-hook.ts'],
    env: {
      RELAY_HOST: '127.0.0.1',
      RELAY_PORT: '0',
      RELAY_MAX_RESERVATIONS: '1000',
      RELAY_MAX_CONNECTIONS: '1200',
      // Every simulated peer comes from 127.0.0.1.
      RELAY_INBOUND_CONNECTION_THRESHOLD: '1000000',
    },
  })
  children.push(child)
  let peers = 0
  let disconnects = 0
  let address: ((addr: string) => void) | undefined
  const listening = new Promise<string>((resolve) => (address = resolve))
  lines(child.stdout, (line) => {
    const count = /\((\d+) peers\)$/.exec(line)
    if (count != null) peers = Number(count[1])
    if (/ disconnect /.test(line)) disconnects++
    const listen = /^relay listening on (\S+)/.exec(line)
    if (listen != null) address?.(listen[1]!)
  })
  lines(child.stderr, (line) => console.error(`[relay] ${line}`))
  const exited = new Promise<never>((_, reject) => child.once('exit', (code) => reject(new Error(`relay exited (${code}) at start`))))
  const addr = await Promise.race([listening, exited, sleep(30_000).then(() => Promise.reject(new Error('relay did not start in 30 s')))])
  return { child, rpc: new Rpc(child, 'relay'), address: addr, peers: () => peers, disconnects: () => disconnects }
}

async function startWorker(children: ChildProcess[], index: number, relayAddr: string): Promise<Rpc> {
  const child = spawnNode('bench/relay/load-worker.ts', [String(index), relayAddr], { nodeArgs: ['--experimental-websocket'] })
  children.push(child)
  lines(child.stdout, (line) => console.log(`[worker ${index}] ${line}`))
  lines(child.stderr, (line) => console.error(`[worker ${index}] ${line}`))
  const rpc = new Rpc(child, `worker ${index}`)
  await Promise.race([rpc.ready, sleep(30_000).then(() => Promise.reject(new Error(`worker ${index} not ready in 30 s`)))])
  return rpc
}

interface Held {
  peers: number
  /** Relay RSS after SETTLE_MS of quiet, then after a full GC. */
  rss: ProcSample
  rssAfterGc: ProcSample
  memory: MemoryResult
  /** Relay CPU while holding the peers with nothing else happening, % of one core. */
  idleCpuPercent: number
}

async function measureHeld(relay: RelayProcess, peers: number): Promise<Held> {
  await sleep(SETTLE_MS)
  const rss = sampleProc(relay.child.pid!)
  const memory = await relay.rpc.call<MemoryResult>({ cmd: 'memory', gc: true }, 30_000)
  const rssAfterGc = sampleProc(relay.child.pid!)
  const c0 = sampleProc(relay.child.pid!)
  await sleep(HOLD_MS)
  const c1 = sampleProc(relay.child.pid!)
  const idleCpuPercent = ((c1.cpuSeconds - c0.cpuSeconds) / ((c1.at - c0.at) / 1000)) * 100
  return { peers, rss, rssAfterGc, memory, idleCpuPercent }
}

async function probes(prober: Rpc, n: number): Promise<SignUp[]> {
  const out: SignUp[] = []
  // Worker 0's first room is full (ROOM_SIZE peers) under load and empty on the idle relay.
  for (let i = 0; i < n; i++) out.push(await prober.call<SignUp>({ cmd: 'probe', worker: 0, room: 0 }, 60_000))
  return out
}

test('relay: memory and CPU holding 100 and 500 peers, sign-up time under load', async () => {
  test.setTimeout(8 * 60_000)
  const children: ChildProcess[] = []
  try {
    const relay = await startRelay(children)
    const pid = relay.child.pid!
    const fresh = sampleProc(pid)
    const workers = await Promise.all(Array.from({ length: WORKERS }, (_, i) => startWorker(children, i, relay.address)))
    // Probes come from a process of their own, idle apart from them.
    const prober = await startWorker(children, WORKERS, relay.address)

    // Warm up the relay's code paths (JIT, lazily loaded modules), then the idle baseline.
    await probes(prober, WARM_UP_PROBES)
    const idleProbes = await probes(prober, PROBES)
    const idle = await measureHeld(relay, 0)

    const stages: Array<{ held: Held; grow: { ms: number; cpuSeconds: number; results: GrowResult[]; from: number }; status: StatusResult[] }> = []
    let from = 0
    for (const total of STAGES) {
      const before = sampleProc(pid)
      const results = await Promise.all(workers.map((w) => w.call<GrowResult>({ cmd: 'grow', target: total / WORKERS, concurrency: CONCURRENCY }, 5 * 60_000)))
      const after = sampleProc(pid)
      const status = await Promise.all(workers.map((w) => w.call<StatusResult>({ cmd: 'status' }, 30_000)))
      const heldNow = status.reduce((s, r) => s + r.held, 0)
      console.log(`stage ${total}: ${heldNow} held (relay counts ${relay.peers()} peers), sign-up ${round((after.at - before.at) / 1000, 1)} s, ` +
        `failures ${results.reduce((s, r) => s + r.failures, 0)} ${JSON.stringify(results.flatMap((r) => r.errors).slice(0, 5))}`)
      expect(heldNow, `peers holding connection + reservation + rendezvous at stage ${total}`).toBe(total)
      const held = await measureHeld(relay, heldNow)
      stages.push({ held, grow: { ms: after.at - before.at, cpuSeconds: after.cpuSeconds - before.cpuSeconds, results, from }, status })
      from = total
    }

    const loadProbes = await probes(prober, PROBES)
    const finalStatus = await Promise.all(workers.map((w) => w.call<StatusResult>({ cmd: 'status' }, 30_000)))
    const finalHeld = finalStatus.reduce((s, r) => s + r.held, 0)
    const end = sampleProc(pid)

    // ---- figures ----
    const mb = (kb: number): number => round(kb / 1024, 1)
    const perPeerKB = (h: Held): number => (h.rss.rssKB - idle.rss.rssKB) / h.peers
    const heapKB = (m: MemoryResult): number => (m.after ?? m.before).heapUsed / 1024
    const externalKB = (m: MemoryResult): number => (m.after ?? m.before).external / 1024
    const figures: Figure[] = [
      { label: 'relay RSS idle (0 peers, after warm-up)', value: mb(idle.rss.rssKB), unit: 'MB', baseline: { label: 'just started', value: mb(fresh.rssKB) } },
    ]
    for (const { held } of stages) {
      figures.push({ label: `relay RSS holding ${held.peers} peers`, value: mb(held.rss.rssKB), unit: 'MB', baseline: { label: 'idle', value: mb(idle.rss.rssKB) } })
    }
    for (const { held } of stages) {
      const last = held === stages.at(-1)!.held
      figures.push({
        label: `relay RSS per held peer at ${held.peers} ((RSS − idle) / peers)`,
        value: round(perPeerKB(held), 0),
        unit: 'KB',
        ...(last ? { target: `≤ ${TARGET_KB_PER_PEER} KB` } : {}),
      })
    }
    const top = stages.at(-1)!.held
    figures.push(
      { label: `of which V8 heap in use, per peer at ${top.peers} (after full GC)`, value: round((heapKB(top.memory) - heapKB(idle.memory)) / top.peers, 0), unit: 'KB' },
      { label: `of which buffers outside the V8 heap, per peer at ${top.peers} (after full GC)`, value: round((externalKB(top.memory) - externalKB(idle.memory)) / top.peers, 0), unit: 'KB' },
    )
    for (const { grow, held } of stages) {
      const n = held.peers - grow.from
      const signUps = grow.results.flatMap((r) => r.signUps)
      figures.push(
        { label: `time to sign up ${n} peers (${grow.from} → ${held.peers}; ${WORKERS * CONCURRENCY} at a time)`, value: round(grow.ms / 1000, 1), unit: 's' },
        { label: `one peer's sign-up during that ramp, median`, value: round(median(signUps.map((s) => s.totalMs)), 0), unit: 'ms', samples: signUps.length },
        { label: `relay CPU time signing up those ${n} peers`, value: round(grow.cpuSeconds, 2), unit: 's' },
        { label: `relay CPU holding ${held.peers} idle peers (${HOLD_MS / 1000} s)`, value: round(held.idleCpuPercent, 1), unit: '% of a core', baseline: { label: '0 peers', value: round(idle.idleCpuPercent, 1) } },
      )
    }
    const m = (xs: SignUp[], k: keyof SignUp): number => round(median(xs.map((s) => s[k])), 0)
    figures.push(
      {
        label: `one more peer: connect + reserve + rendezvous answer, relay holding ${top.peers} peers, median`,
        value: m(loadProbes, 'totalMs'), unit: 'ms', samples: loadProbes.length,
        baseline: { label: 'idle relay', value: m(idleProbes, 'totalMs') },
      },
      {
        label: `of which WebSocket + Noise + yamux connection open, median`,
        value: m(loadProbes, 'connectedMs'), unit: 'ms', samples: loadProbes.length,
        baseline: { label: 'idle relay', value: m(idleProbes, 'connectedMs') },
      },
      {
        label: `of which reservation made (from the dial), median`,
        value: m(loadProbes, 'reservedMs'), unit: 'ms', samples: loadProbes.length,
        baseline: { label: 'idle relay', value: m(idleProbes, 'reservedMs') },
      },
    )
    record('Relay under load', figures)

    const detail = (h: Held): object => ({
      peers: h.peers,
      rss: h.rss,
      rssAfterGcKB: h.rssAfterGc.rssKB,
      before: h.memory.before,
      afterGc: h.memory.after,
      idleCpuPercent: round(h.idleCpuPercent, 2),
    })
    console.log(JSON.stringify({
      fresh,
      idle: detail(idle),
      stages: stages.map((s) => ({
        ...detail(s.held),
        growMs: round(s.grow.ms, 0),
        growCpuSeconds: s.grow.cpuSeconds,
        failures: s.grow.results.reduce((sum, r) => sum + r.failures, 0),
        errors: s.grow.results.flatMap((r) => r.errors),
        status: s.status,
      })),
      idleProbes,
      loadProbes,
      finalHeld,
      relayPeers: relay.peers(),
      relayDisconnects: relay.disconnects(),
      end,
      roomSize: ROOM_SIZE,
    }, null, 1))
    for (const f of figures) console.log(`${f.label}: ${f.value} ${f.unit}${f.baseline ? ` (${f.baseline.label}: ${f.baseline.value})` : ''}`)
    expect(finalHeld, 'peers still held after the probes').toBe(STAGES.at(-1))

    await Promise.allSettled([...workers, prober].map((w) => w.call({ cmd: 'stop' }, 20_000)))
  } finally {
    await Promise.all(children.map((c) => stopChild(c)))
  }
})
