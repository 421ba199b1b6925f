// Playwright fixtures for Roda's end-to-end tests.
//
// - `browser` (worker-scoped): Debian Chromium (/usr/bin/chromium, or CHROMIUM_PATH) launched with
//   exactly the switches of chromiumArgs() below (docs/TESTING.md): Playwright's own default
//   switches are dropped (ignoreDefaultArgs: true) so nothing clashes with the WebRTC flags.
// - `newDevice(name)` (test-scoped): a fresh browser context (a separate "device": own storage,
//   own identity) with a page opened at baseURL. Console errors and uncaught page errors of every
//   device are attached to the test report when the test fails. Contexts close after the test.
// - `relayAddress()`: the first relay multiaddr from /roda-config.json.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { test as base, expect, type BrowserContext, type Page } from '@playwright/test'

export { expect }

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

/** Default base URL, same computation as playwright.config.ts (for helpers used outside a test). */
export const DEFAULT_BASE_URL = `http://127.0.0.1:${process.env.E2E_PORT ?? 5173}`

/**
 * Every switch Chromium gets (Playwright adds none of its own: ignoreDefaultArgs is true).
 * For `chromium.launchPersistentContext(userDataDir, { ignoreDefaultArgs: true, args })` (a real
 * profile, e.g. for PWA installability) pass `persistent: true`: it opens about:blank instead of
 * starting windowless, as Playwright itself does.
 */
export function chromiumArgs(userDataDir: string, { persistent = false } = {}): string[] {
  return [
    // What Playwright needs to drive the browser (normally added by Playwright itself).
    '--remote-debugging-pipe',
    `--user-data-dir=${userDataDir}`,
    ...(persistent ? [] : ['--no-startup-window']),
    '--headless',
    '--no-sandbox', // we run as root
    // WebRTC on loopback inside a namespace with no default route (docs/TESTING.md).
    '--allow-loopback-in-peer-connection',
    '--use-fake-ui-for-media-stream',
    // Nothing may try to reach Google (or anything else) from the test machine.
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--no-default-browser-check',
    '--disable-default-apps',
    '--disable-extensions',
    '--disable-field-trial-config',
    '--disable-breakpad',
    '--metrics-recording-only',
    '--password-store=basic',
    '--use-mock-keychain',
    '--disable-features=OptimizationHints,NetworkTimeServiceQuerying,MediaRouter,PreconnectToSearch',
    '--disable-quic',
    '--disable-gpu',
    // Several devices are open at once and most are "in the background": keep their timers and
    // renderers running at full speed, or heartbeats and retries stretch out.
    '--disable-background-timer-throttling',
    '--disable-backgrounding-occluded-windows',
    '--disable-renderer-backgrounding',
    '--disable-ipc-flooding-protection',
    '--disable-dev-shm-usage',
    '--mute-audio',
    '--hide-scrollbars',
    ...(persistent ? ['about:blank'] : []),
  ]
}

export interface Device {
  name: string
  context: BrowserContext
  page: Page
  /** Console errors and uncaught exceptions seen on this device so far. */
  errors: string[]
}

export interface NewDeviceOptions {
  /** Path (relative to baseURL) to open; default '/'. Use e.g. '/#…' for a room link. */
  path?: string
  /** Set false to get a blank page and navigate yourself. */
  goto?: boolean
  /** The browser's language (navigator.languages, Accept-Language); default 'en-US'. */
  locale?: string
}

type TestFixtures = {
  newDevice: (name?: string, options?: NewDeviceOptions) => Promise<Device>
}

export const test = base.extend<TestFixtures>({
  // Replaces Playwright's own `browser` fixture, so the built-in `page`/`context` fixtures use
  // this Chromium too.
  browser: [async ({ playwright }, use) => {
    const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roda-e2e-chromium-'))
    const browser = await playwright.chromium.launch({
      executablePath: CHROMIUM_PATH,
      ignoreDefaultArgs: true,
      args: chromiumArgs(userDataDir),
      headless: true,
      timeout: 30_000,
    })
    try {
      await use(browser)
    } finally {
      await browser.close().catch(() => {})
      fs.rmSync(userDataDir, { recursive: true, force: true })
    }
  }, { scope: 'worker', timeout: 60_000 }],

  newDevice: async ({ browser, baseURL }, use, testInfo) => {
    const devices: Device[] = []

    await use(async (name = `device-${devices.length + 1}`, options = {}) => {
      const context = await browser.newContext({
        baseURL,
        locale: options.locale ?? 'en-US',
        // The fake-UI switch already allows media; granting as well keeps ICE candidate
        // gathering working if the switch is ever dropped (docs/TESTING.md).
        permissions: ['camera', 'microphone'],
      })
      const page = await context.newPage()
      const device: Device = { name, context, page, errors: [] }
      devices.push(device)
      page.on('console', (msg) => {
        if (msg.type() === 'error') {
          const where = msg.location().url ? ` (${msg.location().url}:${msg.location().lineNumber})` : ''
          device.errors.push(`console.error: ${msg.text()}${where}`)
        }
      })
      page.on('pageerror', (err) => {
        device.errors.push(`uncaught: ${err.stack ?? err.message}`)
      })
      page.on('crash', () => device.errors.push('page crashed'))
      if (options.goto !== false) await page.goto(options.path ?? '/')
      return device
    })

    if (testInfo.status !== testInfo.expectedStatus) {
      for (const device of devices) {
        if (device.errors.length === 0) continue
        await testInfo.attach(`${device.name} console errors`, {
          body: device.errors.join('\n'),
          contentType: 'text/plain',
        })
      }
    }
    await Promise.all(devices.map((d) => d.context.close().catch(() => {})))
  },
})

/** Relay multiaddrs the app is configured with (from the running server's /roda-config.json). */
export async function relayAddresses(baseURL: string = DEFAULT_BASE_URL): Promise<string[]> {
  const res = await fetch(new URL('/roda-config.json', baseURL), { cache: 'no-store' })
  if (!res.ok) throw new Error(`GET /roda-config.json: HTTP ${res.status}`)
  const config = (await res.json()) as { relays?: unknown }
  if (!Array.isArray(config.relays) || !config.relays.every((r) => typeof r === 'string')) {
    throw new Error(`/roda-config.json has no relays array: ${JSON.stringify(config)}`)
  }
  return config.relays as string[]
}

/** The first relay multiaddr, e.g. /ip4/127.0.0.1/tcp/9090/ws/p2p/12D3… */
export async function relayAddress(baseURL: string = DEFAULT_BASE_URL): Promise<string> {
  const [first] = await relayAddresses(baseURL)
  if (!first) throw new Error('/roda-config.json lists no relay')
  return first
}

/** ws:// URL of a relay multiaddr like /ip4/127.0.0.1/tcp/9090/ws/p2p/… (ip4, ip6, dns*). */
export function relayWebSocketUrl(multiaddr: string): string {
  const m = /^\/(ip4|ip6|dns4|dns6|dns)\/([^/]+)\/tcp\/(\d+)\/(ws|wss|tls\/ws)(\/|$)/.exec(multiaddr)
  if (!m) throw new Error(`not a WebSocket multiaddr: ${multiaddr}`)
  const [, proto, host, port, ws] = m
  const scheme = ws === 'ws' ? 'ws' : 'wss'
  return `${scheme}://${proto === 'ip6' ? `[${host}]` : host}:${port}`
}
