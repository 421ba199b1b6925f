// Who is in which rendezvous namespace, in memory only. Kept free of libp2p so the rules
// (one entry per peer, recency order, global cap) can be tested on their own.

export interface Registrant {
  readonly peerId: string
}

export type JoinOutcome<R> =
  /** `previous` is the registrant this one replaced (same peer, e.g. an older stream). */
  | { status: 'added', previous?: R }
  /** The same registrant joined again: nothing changes but its recency. */
  | { status: 'refreshed' }
  | { status: 'full' }

export class Registry<R extends Registrant> {
  // Map iteration follows insertion order, so the last entries are the most recent joiners.
  private readonly namespaces = new Map<string, Map<string, R>>()
  private count = 0

  constructor(private readonly maxRegistrations: number) {}

  get size(): number {
    return this.count
  }

  join(ns: string, registrant: R): JoinOutcome<R> {
    let members = this.namespaces.get(ns)
    const previous = members?.get(registrant.peerId)
    if (previous == null && this.count >= this.maxRegistrations) return { status: 'full' }
    if (members == null) {
      members = new Map()
      this.namespaces.set(ns, members)
    }
    if (previous != null) members.delete(registrant.peerId)
    else this.count++
    members.set(registrant.peerId, registrant)
    if (previous === registrant) return { status: 'refreshed' }
    return previous == null ? { status: 'added' } : { status: 'added', previous }
  }

  /** Removes the entry only if it still belongs to this registrant, not to a newer one. */
  leave(ns: string, registrant: R): boolean {
    const members = this.namespaces.get(ns)
    if (members?.get(registrant.peerId) !== registrant) return false
    members.delete(registrant.peerId)
    this.count--
    if (members.size === 0) this.namespaces.delete(ns)
    return true
  }

  /** Other members of ns, most recent first. */
  others(ns: string, peerId: string, limit: number): string[] {
    const members = this.namespaces.get(ns)
    if (members == null) return []
    const ids = [...members.keys()]
    const out: string[] = []
    for (let i = ids.length - 1; i >= 0 && out.length < limit; i--) {
      const id = ids[i]!
      if (id !== peerId) out.push(id)
    }
    return out
  }

  members(ns: string): Iterable<R> {
    return this.namespaces.get(ns)?.values() ?? []
  }

  clear(): void {
    this.namespaces.clear()
    this.count = 0
  }
}
