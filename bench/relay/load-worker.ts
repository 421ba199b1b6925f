// A load-generator process for relay.bench.ts: holds a share of the simulated peers, so that 500
// libp2p nodes are spread over a few processes (and cores) instead of one event loop.
//
//   node --experimental-websocket --import ./scripts/polyfill.mjs --import tsx \
//     bench/relay/load-worker.ts <worker index> <relay multiaddr>
//
// Driven over IPC (bench/relay/ipc.ts). It exits after `stop`, when its parent goes away, or after
// a hard deadline, whichever comes first: it never outlives the benchmark.
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { ROOM_SIZE, roomNamespace, type GrowResult, type Reply, type SignUp, type StatusResult, type WorkerRequest } from './ipc.ts'
import { startPeer, type SimPeer } from './peer.ts'

const HARD_DEADLINE_MS = 10 * 60_000
const SIGN_UP_TIMEOUT_MS = 30_000
const ATTEMPTS = 4

const worker = Number(process.argv[2])
const relayAddr = process.argv[3]
if (!Number.isInteger(worker) || relayAddr == null || process.send == null) {
  console.error('usage: load-worker.ts <worker index> <relay multiaddr> (spawned with an IPC channel)')
  process.exit(2)
}
if (typeof globalThis.WebSocket !== 'function') {
  console.error('load-worker: no global WebSocket, run node with --experimental-websocket')
  process.exit(2)
}

const peers: SimPeer[] = []
let exiting = false

async function exit(code: number): Promise<void> {
  if (exiting) return
  exiting = true
  await Promise.race([
    Promise.allSettled(peers.map((p) => p.stop())),
    new Promise((resolve) => setTimeout(resolve, 5_000)),
  ])
  process.exit(code)
}

setTimeout(() => void exit(3), HARD_DEADLINE_MS).unref()
process.on('disconnect', () => void exit(4))

async function grow(target: number, concurrency: number): Promise<GrowResult> {
  const t0 = performance.now()
  const signUps: SignUp[] = []
  const errors: string[] = []
  let failures = 0
  let next = peers.length
  const runner = async (): Promise<void> => {
    while (next < target && !exiting) {
      const k = next++
      const ns = roomNamespace(worker, Math.floor(k / ROOM_SIZE))
      for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
        try {
          const peer = await startPeer(relayAddr!, ns, SIGN_UP_TIMEOUT_MS)
          peers.push(peer)
          signUps.push(peer.signUp)
          break
        } catch (err) {
          failures++
          if (errors.length < 10) errors.push(err instanceof Error ? `${err.name}: ${err.message}` : String(err))
          await new Promise((resolve) => setTimeout(resolve, 200 * attempt))
        }
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, runner))
  return { held: peers.length, ms: performance.now() - t0, failures, errors, signUps }
}

const LOOP_RESOLUTION_MS = 20
const loop = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS })
loop.enable()

function status(): StatusResult {
  const states = peers.map((p) => p.state())
  const result: StatusResult = {
    peers: peers.length,
    held: peers.filter((p) => p.held()).length,
    connected: states.filter((s) => s.connected).length,
    reserved: states.filter((s) => s.reserved).length,
    rendezvous: states.filter((s) => s.rendezvous).length,
    drops: states.reduce((sum, s) => sum + s.drops, 0),
    rejoins: states.reduce((sum, s) => sum + s.rejoins, 0),
    loopDelayMaxMs: Math.max(0, loop.max / 1e6 - LOOP_RESOLUTION_MS),
    arrived: peers.reduce((sum, p) => sum + p.arrived(), 0),
  }
  loop.reset()
  return result
}

async function probe(w: number, room: number): Promise<SignUp> {
  const peer = await startPeer(relayAddr!, roomNamespace(w, room), SIGN_UP_TIMEOUT_MS)
  await peer.stop()
  return peer.signUp
}

async function handle(req: WorkerRequest): Promise<unknown> {
  switch (req.cmd) {
    case 'grow':
      return grow(req.target, req.concurrency)
    case 'status':
      return status()
    case 'probe':
      return probe(req.worker, req.room)
    case 'stop':
      await Promise.allSettled(peers.map((p) => p.stop()))
      return { stopped: peers.length }
  }
}

process.on('message', (msg: WorkerRequest) => {
  handle(msg).then(
    (result) => {
      const reply: Reply = { id: msg.id, ok: true, result }
      process.send!(reply, () => {
        if (msg.cmd === 'stop') void exit(0)
      })
    },
    (err: unknown) => {
      const reply: Reply = { id: msg.id, ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }
      process.send!(reply)
    },
  )
})
process.send({ id: -1, ok: true, result: 'ready' } satisfies Reply)
