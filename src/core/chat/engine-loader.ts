import type * as EngineModule from './engine.ts'

export type Engine = typeof EngineModule

let loading: Promise<Engine> | undefined

/** The signing and validation code (./engine.ts), loaded once as its own chunk. */
export function loadEngine(): Promise<Engine> {
  loading ??= import('./engine.ts')
  return loading
}
