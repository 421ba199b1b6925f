// End-to-end tests: headless Debian Chromium against `npm start -- --no-build` (relay + built app).
// Run through `npm run test:e2e`, which builds and then runs Playwright inside a loopback-only
// network namespace (e2e/run-isolated.sh), where ports 5173/9090 are always free.
import { defineConfig } from '@playwright/test'

const port = Number(process.env.E2E_PORT ?? 5173)
const relayPort = Number(process.env.E2E_RELAY_PORT ?? 9090)
const baseURL = `http://127.0.0.1:${port}`

export default defineConfig({
  testDir: 'e2e',
  // Several "devices" per test share one machine of 2 cores: run tests one at a time.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  forbidOnly: !!process.env.CI,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: 'list',
  outputDir: 'test-results',
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    // The browser itself is launched by e2e/fixtures.ts (Debian Chromium, flags in docs/TESTING.md).
  },
  webServer: {
    command: 'npm start -- --no-build',
    url: `${baseURL}/roda-config.json`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      HOST: '127.0.0.1',
      PORT: String(port),
      RELAY_PORT: String(relayPort),
      // Every test device connects from 127.0.0.1: the relay's default of 5 new connections per
      // second from one address would turn a test that opens several devices at once flaky.
      RELAY_INBOUND_CONNECTION_THRESHOLD: process.env.RELAY_INBOUND_CONNECTION_THRESHOLD ?? '1000',
    },
    stdout: process.env.E2E_SERVER_LOG ? 'pipe' : 'ignore',
    stderr: 'pipe',
    gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
  },
})
