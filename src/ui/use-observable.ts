import { useSyncExternalStore } from 'react'
import type { Observable } from '../core/observable.ts'

export function useObservable<T>(o: Observable<T>): T {
  return useSyncExternalStore(o.subscribe, o.getSnapshot)
}
