import type { RelayState } from './relay-link.ts'
import { Observable } from '../observable.ts'

/**
 * What the header tells people, in their terms:
 * - online: the relay is attached, or at least one peer is connected over WebRTC;
 * - connecting: starting up, nothing failed yet;
 * - offline: the device has no network, or the relay failed and no peer is connected. Posts
 *   written now wait in the outbox.
 */
export type Connectivity = 'online' | 'connecting' | 'offline'

export interface ConnectivityInputs {
  /**
   * The browser said the device lost its network (the `offline` event) and nothing has worked
   * since. Not navigator.onLine itself: it is false on a computer with no network interface up,
   * where a relay on that same computer (a workshop laptop, a test) still works.
   */
  networkLost: boolean
  relay: RelayState
  /** Peers with a working WebRTC connection (direct or through TURN). */
  connectedPeers: number
  /** What was shown before, so a retry that starts does not flip "offline" to "connecting". */
  previous: Connectivity
}

export function connectivityOf({ networkLost, relay, connectedPeers, previous }: ConnectivityInputs): Connectivity {
  if (networkLost) return 'offline'
  if (relay === 'online' || connectedPeers > 0) return 'online'
  if (relay === 'connecting') return previous === 'offline' ? 'offline' : 'connecting'
  return 'offline'
}

/**
 * Keeps `state` equal to connectivityOf() of the latest inputs. The network counts as lost from
 * the browser's `offline` event until its `online` event or until the relay attaches again
 * (the owner makes it re-attach, so a relay on this very computer clears it).
 */
export class ConnectivityTracker {
  readonly state = new Observable<Connectivity>('connecting')
  private inputs: Omit<ConnectivityInputs, 'previous'> = { networkLost: false, relay: 'connecting', connectedPeers: 0 }

  update(changes: Partial<Omit<ConnectivityInputs, 'previous' | 'networkLost'>>): void {
    const attachedAgain = changes.relay === 'online' && this.inputs.relay !== 'online'
    this.inputs = { ...this.inputs, ...changes, ...(attachedAgain && { networkLost: false }) }
    this.state.set(connectivityOf({ ...this.inputs, previous: this.state.value }))
  }

  /** The browser's `online` (true) and `offline` (false) events. */
  browserOnline(online: boolean): void {
    this.inputs = { ...this.inputs, networkLost: !online }
    this.update({})
  }
}
