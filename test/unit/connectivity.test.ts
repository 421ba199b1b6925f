import { describe, expect, it } from 'vitest'
import { ConnectivityTracker, connectivityOf } from '../../src/core/net/connectivity.ts'

describe('connectivityOf', () => {
  const base = { networkLost: false, relay: 'connecting' as const, connectedPeers: 0, previous: 'connecting' as const }

  it('is offline while the network is lost, whatever else says', () => {
    expect(connectivityOf({ ...base, networkLost: true, relay: 'online', connectedPeers: 3 })).toBe('offline')
  })

  it('is online with the relay attached, or with a connected peer and no relay', () => {
    expect(connectivityOf({ ...base, relay: 'online' })).toBe('online')
    expect(connectivityOf({ ...base, relay: 'offline', connectedPeers: 1 })).toBe('online')
    expect(connectivityOf({ ...base, relay: 'no-relay', connectedPeers: 1 })).toBe('online')
  })

  it('is offline when the relay failed and nobody is connected', () => {
    expect(connectivityOf({ ...base, relay: 'offline' })).toBe('offline')
    expect(connectivityOf({ ...base, relay: 'no-relay' })).toBe('offline')
  })

  it('stays offline while a retry is under way, instead of flickering to connecting', () => {
    expect(connectivityOf({ ...base, relay: 'connecting', previous: 'offline' })).toBe('offline')
    expect(connectivityOf({ ...base, relay: 'connecting', previous: 'online' })).toBe('connecting')
  })
})

describe('ConnectivityTracker', () => {
  it('follows the relay and the connected peers', () => {
    const c = new ConnectivityTracker()
    expect(c.state.value).toBe('connecting')
    c.update({ relay: 'offline' })
    expect(c.state.value).toBe('offline')
    c.update({ relay: 'connecting' })
    expect(c.state.value).toBe('offline')
    c.update({ relay: 'online' })
    expect(c.state.value).toBe('online')
    c.update({ relay: 'connecting' })
    expect(c.state.value).toBe('connecting')
    c.update({ connectedPeers: 2 })
    expect(c.state.value).toBe('online')
  })

  it('is offline from the browser\'s offline event until its online event', () => {
    const c = new ConnectivityTracker()
    c.update({ relay: 'online', connectedPeers: 1 })
    c.browserOnline(false)
    expect(c.state.value).toBe('offline')
    // A stale "online" relay state or a peer count change does not hide the loss.
    c.update({ connectedPeers: 0 })
    expect(c.state.value).toBe('offline')
    c.browserOnline(true)
    expect(c.state.value).toBe('online')
  })

  it('is online again once the relay attaches anew after the offline event (a relay on this computer)', () => {
    const c = new ConnectivityTracker()
    c.update({ relay: 'online' })
    c.browserOnline(false)
    c.update({ relay: 'connecting' })
    expect(c.state.value).toBe('offline')
    c.update({ relay: 'online' })
    expect(c.state.value).toBe('online')
  })
})
