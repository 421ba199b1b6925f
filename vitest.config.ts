import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'signaling-relay/test/**/*.test.ts'],
    environment: 'node',
    // libp2p 3 needs Promise.withResolvers, which Node 20 lacks.
    setupFiles: ['./scripts/polyfill.mjs'],
    testTimeout: 20_000,
    // Node 20 has a global WebSocket only behind this flag; the relay tests dial over WebSocket.
    execArgv: typeof WebSocket === 'undefined' ? ['--experimental-websocket'] : [],
  },
})
