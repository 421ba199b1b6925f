// Messages between relay.bench.ts and its child processes (the load workers and the relay hook),
// over Node's IPC channel. Every request carries an id; the child answers with the same id.

/** Timings of one simulated peer signing up, in ms from the start of its dial. */
export interface SignUp {
  /** WebSocket + Noise + yamux connection to the relay open. */
  connectedMs: number
  /** The rendezvous `peers` answer to its `join` received. */
  answeredMs: number
  /** Its circuit relay v2 reservation made (a /p2p-circuit address of its own). */
  reservedMs: number
  /** All of the above. */
  totalMs: number
  /** Peers named in the rendezvous answer. */
  answerPeers: number
}

export type WorkerRequest =
  /** Sign up peers until this worker holds `target`, `concurrency` at a time. */
  | { id: number; cmd: 'grow'; target: number; concurrency: number }
  /** How many of this worker's peers still hold their connection, reservation and rendezvous stream. */
  | { id: number; cmd: 'status' }
  /** Sign up one extra peer in namespace (worker, room), time it, then stop it. */
  | { id: number; cmd: 'probe'; worker: number; room: number }
  /** Stop every peer; the worker exits after answering. */
  | { id: number; cmd: 'stop' }

export interface GrowResult {
  held: number
  ms: number
  /** Sign-up attempts that failed and were retried. */
  failures: number
  errors: string[]
  signUps: SignUp[]
}

export interface StatusResult {
  peers: number
  held: number
  /** Peers whose relay connection is open, whose reservation address is present, whose rendezvous stream is open. */
  connected: number
  reserved: number
  rendezvous: number
  /** Relay connections closed since their sign-up, over all peers. */
  drops: number
  /** Rendezvous streams re-opened after one was lost (the peer dials again and re-joins, like the app). */
  rejoins: number
  /** The worker's own event-loop delay since the previous status (a starved load generator shows here). */
  loopDelayMaxMs: number
  /** `arrived` messages received by all of this worker's peers so far. */
  arrived: number
}

export interface MemoryResult {
  /** process.memoryUsage() as the relay sees itself, before and after a full GC. */
  before: NodeJS.MemoryUsage
  after: NodeJS.MemoryUsage | null
  /** How late the relay's event loop ran since the previous request. */
  loopDelayMs: { p50: number; p99: number; max: number }
}

export type RelayRequest = { id: number; cmd: 'memory'; gc: boolean }

export type Reply = { id: number; ok: true; result: unknown } | { id: number; ok: false; error: string }

/** Rooms of this many peers: each join is answered with up to ROOM_SIZE - 1 peers and announced to them. */
export const ROOM_SIZE = 10

/** The 32-byte rendezvous namespace of one simulated room (opaque to the relay, like a real one). */
export function roomNamespace(worker: number, room: number): Uint8Array {
  const ns = new Uint8Array(32).fill(0x5a)
  ns[0] = worker
  ns[1] = room >> 8
  ns[2] = room & 0xff
  return ns
}
