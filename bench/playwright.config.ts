// `npm run bench`: the benchmark suite. Same servers and Chromium as the e2e tests, inside the
// same loopback-only namespace, but long timeouts and no retries; figures go to bench/results.json.
import { defineConfig } from '@playwright/test'
import base from '../playwright.config.ts'

export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: '*.bench.ts',
  timeout: 15 * 60_000,
  expect: { timeout: 120_000 },
  reporter: 'list',
  // No Playwright trace or screenshots: a trace records a screencast of every page, and
  // capturing and encoding every frame of every device took more CPU than Roda did.
  use: { ...base.use, trace: 'off', screenshot: 'off', video: 'off' },
  outputDir: '../test-results/bench',
})
