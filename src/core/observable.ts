/**
 * A value that changes over time and tells its listeners. It is the one bridge from the core
 * to any UI: React reads it with useSyncExternalStore, tests read `.value`.
 */
export class Observable<T> {
  private listeners = new Set<() => void>()

  constructor(private current: T) {}

  get value(): T {
    return this.current
  }

  set(next: T): void {
    if (Object.is(next, this.current)) return
    this.current = next
    for (const l of this.listeners) l()
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  getSnapshot = (): T => this.current
}
