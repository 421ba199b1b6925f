import { describe, expect, it } from 'vitest'
import { selectedPath } from '../../src/core/net/ice-path.ts'

// Shapes as Chromium's getStats() reports them (a Map of id → stats; forEach gives values).
function report(stats: Array<Record<string, unknown>>): Map<string, Record<string, unknown>> {
  return new Map(stats.map((s) => [String(s.id), s]))
}
const candidates = [
  { id: 'L-host', type: 'local-candidate', candidateType: 'host' },
  { id: 'L-srflx', type: 'local-candidate', candidateType: 'srflx' },
  { id: 'L-relay', type: 'local-candidate', candidateType: 'relay' },
  { id: 'R-host', type: 'remote-candidate', candidateType: 'host' },
  { id: 'R-srflx', type: 'remote-candidate', candidateType: 'srflx' },
  { id: 'R-prflx', type: 'remote-candidate', candidateType: 'prflx' },
]
const pair = (id: string, local: string, remote: string, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'candidate-pair',
  localCandidateId: local,
  remoteCandidateId: remote,
  state: 'succeeded',
  ...extra,
})

describe('selectedPath', () => {
  it('reads the pair the transport names, not another succeeded one', () => {
    const r = report([
      ...candidates,
      pair('P1', 'L-host', 'R-host', { nominated: true }),
      pair('P2', 'L-srflx', 'R-srflx'),
      { id: 'T', type: 'transport', selectedCandidatePairId: 'P2' },
    ])
    expect(selectedPath(r)).toEqual({ kind: 'direct', types: 'srflx/srflx' })
  })

  it('calls a path through a TURN relay on either side "turn"', () => {
    const local = report([...candidates, pair('P', 'L-relay', 'R-srflx'), { id: 'T', type: 'transport', selectedCandidatePairId: 'P' }])
    expect(selectedPath(local)).toEqual({ kind: 'turn', types: 'relay/srflx' })
    const remote = report([
      ...candidates,
      { id: 'R-relay', type: 'remote-candidate', candidateType: 'relay' },
      pair('P', 'L-srflx', 'R-relay'),
      { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
    ])
    expect(selectedPath(remote)).toEqual({ kind: 'turn', types: 'srflx/relay' })
  })

  it('falls back to a pair flagged selected, then to a nominated succeeded one', () => {
    expect(selectedPath(report([...candidates, pair('P', 'L-host', 'R-prflx', { selected: true })]))).toEqual({ kind: 'direct', types: 'host/prflx' })
    expect(selectedPath(report([...candidates, pair('P', 'L-host', 'R-host', { nominated: true })]))).toEqual({ kind: 'direct', types: 'host/host' })
  })

  it('knows no path until ICE has one that succeeded', () => {
    expect(selectedPath(report(candidates))).toBeUndefined()
    expect(selectedPath(report([...candidates, pair('P', 'L-host', 'R-host', { state: 'in-progress' }), { id: 'T', type: 'transport', selectedCandidatePairId: 'P' }]))).toBeUndefined()
    expect(selectedPath(report([...candidates, { id: 'T', type: 'transport', selectedCandidatePairId: 'missing' }]))).toBeUndefined()
  })

  it('ignores candidates of unknown types instead of guessing', () => {
    const r = report([{ id: 'L', type: 'local-candidate', candidateType: 'quantum' }, ...candidates, pair('P', 'L', 'R-host'), { id: 'T', type: 'transport', selectedCandidatePairId: 'P' }])
    expect(selectedPath(r)).toBeUndefined()
  })

  it('takes a peer-reflexive candidate from the address of our TURN server for a relay', () => {
    const turnAddr = '198.51.100.2'
    const stats = (remoteAddress: string) =>
      report([
        { id: 'L-relay', type: 'local-candidate', candidateType: 'relay', address: turnAddr },
        { id: 'L-srflx', type: 'local-candidate', candidateType: 'srflx', address: '198.51.100.11' },
        { id: 'R-p', type: 'remote-candidate', candidateType: 'prflx', address: remoteAddress },
        pair('P', 'L-srflx', 'R-p'),
        { id: 'T', type: 'transport', selectedCandidatePairId: 'P' },
      ])
    expect(selectedPath(stats(turnAddr))).toEqual({ kind: 'turn', types: 'srflx/relay' })
    expect(selectedPath(stats('198.51.100.12'))).toEqual({ kind: 'direct', types: 'srflx/prflx' })
  })

  it('reads an array of stats as well', () => {
    expect(selectedPath([...candidates, pair('P', 'L-relay', 'R-host'), { id: 'T', type: 'transport', selectedCandidatePairId: 'P' }])).toEqual({ kind: 'turn', types: 'relay/host' })
  })
})
