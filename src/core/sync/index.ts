// simulate.ts is left out on purpose: it is the executable model of a session for tests and
// measurements, not something the app runs.
export * from './bound.ts'
export * from './fingerprint.ts'
export * from './item-index.ts'
export * from './limits.ts'
export * from './messages.ts'
export * from './reconciler.ts'
