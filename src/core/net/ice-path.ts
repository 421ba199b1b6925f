import type { Connection } from '@libp2p/interface'

/**
 * How a WebRTC connection actually carries bytes, read from the ICE candidate pair the browser
 * selected, never guessed from addresses:
 * - direct: neither side's candidate is a TURN relay (host, server-reflexive or peer-reflexive),
 * - turn: one side (or both) sends through a TURN server.
 */
export type PathKind = 'direct' | 'turn'

export interface IcePath {
  kind: PathKind
  /** The selected pair's candidate types, local first: `host/host`, `srflx/srflx`, `relay/srflx`… */
  types: string
}

const CANDIDATE_TYPES = new Set(['host', 'srflx', 'prflx', 'relay'])

type Stat = Record<string, unknown> & { type?: unknown; id?: unknown }
/** An RTCStatsReport (a Map whose forEach gives values first) or an array of stats. */
export interface StatsLike {
  forEach(cb: (s: Stat) => void): void
}

/**
 * The selected candidate pair in a `getStats()` report. Browsers name it in the `transport`
 * entry (`selectedCandidatePairId`); older ones flag the pair itself (`selected`), and a
 * nominated, succeeded pair is the last resort. Returns undefined until ICE has picked a pair.
 */
export function selectedPath(report: StatsLike): IcePath | undefined {
  const byId = new Map<string, Stat>()
  report.forEach((s) => {
    if (typeof s.id === 'string') byId.set(s.id, s)
  })

  let pair: Stat | undefined
  for (const s of byId.values()) {
    if (s.type === 'transport' && typeof s.selectedCandidatePairId === 'string') pair = byId.get(s.selectedCandidatePairId)
    if (pair) break
  }
  pair ??= [...byId.values()].find((s) => s.type === 'candidate-pair' && s.selected === true)
  pair ??= [...byId.values()].find((s) => s.type === 'candidate-pair' && s.nominated === true && s.state === 'succeeded')
  if (!pair || pair.state !== 'succeeded') return undefined
  const local = candidateType(byId.get(String(pair.localCandidateId)))
  let remote = candidateType(byId.get(String(pair.remoteCandidateId)))
  if (!local || !remote) return undefined
  // When the other side's check through its TURN server arrives before its relay candidate
  // does, the browser calls that candidate peer-reflexive, and never corrects it. Its address
  // is then the TURN server's relayed address, as our own relay candidates' are: it is a relay.
  if (remote === 'prflx') {
    const address = addressOf(byId.get(String(pair.remoteCandidateId)))
    const turnAddresses = [...byId.values()].filter((s) => s.type === 'local-candidate' && s.candidateType === 'relay').map(addressOf)
    if (address !== undefined && turnAddresses.includes(address)) remote = 'relay'
  }
  return { kind: local === 'relay' || remote === 'relay' ? 'turn' : 'direct', types: `${local}/${remote}` }
}

function addressOf(s: Stat | undefined): string | undefined {
  const a = s?.address ?? s?.ip
  return typeof a === 'string' && a !== '' ? a : undefined
}

function candidateType(s: Stat | undefined): string | undefined {
  const t = s?.candidateType
  return typeof t === 'string' && CANDIDATE_TYPES.has(t) ? t : undefined
}

/**
 * The RTCPeerConnection under a libp2p WebRTC connection. libp2p does not expose it: it is the
 * `peerConnection` of the connection's private `maConn` (@libp2p/webrtc's
 * RTCPeerConnectionMultiaddrConnection). Read defensively, so a libp2p upgrade that moves it
 * makes paths unknown (and e2e tests fail), not the app crash.
 */
export function peerConnectionOf(conn: Connection): RTCPeerConnection | undefined {
  const maConn = (conn as unknown as { maConn?: { peerConnection?: unknown } }).maConn
  const pc = maConn?.peerConnection
  return typeof RTCPeerConnection !== 'undefined' && pc instanceof RTCPeerConnection ? pc : undefined
}

/** The path of an open WebRTC connection, or undefined when ICE has not (or no longer) connected. */
export async function readIcePath(conn: Connection): Promise<IcePath | undefined> {
  const pc = peerConnectionOf(conn)
  if (!pc || pc.connectionState !== 'connected') return undefined
  try {
    return selectedPath((await pc.getStats()) as unknown as StatsLike)
  } catch {
    return undefined
  }
}
