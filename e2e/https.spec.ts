// HTTPS mode (`npm start -- --https`): the app over TLS and the relay over secure WebSockets,
// with a self-signed certificate made at start. Started here as a second server on free
// loopback ports, inside the same loopback-only namespace as every e2e test.
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import https from 'node:https'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import type { Browser } from '@playwright/test'
import { test, expect, relayWebSocketUrl, type Device } from './fixtures.ts'
import { createRoom, message, onboard, send, waitForDirectPeer } from './helpers.ts'

const HOST = '127.0.0.1'

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen({ host: HOST, port: 0 }, () => {
      const { port } = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

interface HttpsRoda {
  url: string
  relayPort: number
  certDir: string
  output: string[]
  stop(): Promise<void>
}

/** `npm start -- --https --no-build`, run as the npm script runs it, on free loopback ports. */
async function startHttpsRoda(): Promise<HttpsRoda> {
  const [port, relayPort] = [await freePort(), await freePort()]
  const certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'roda-e2e-certs-'))
  const child: ChildProcess = spawn(process.execPath, ['--import', './scripts/polyfill.mjs', '--import', 'tsx', 'scripts/start.ts', '--https', '--no-build'], {
    env: { ...process.env, HOST, PORT: String(port), RELAY_PORT: String(relayPort), CERT_DIR: certDir, RELAY_INBOUND_CONNECTION_THRESHOLD: '1000' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const output: string[] = []
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no start within 30 s:\n${output.join('')}`)), 30_000)
    const onData = (chunk: Buffer) => {
      output.push(chunk.toString())
      // The last line of the welcome: everything above it (URL, fingerprint) is out.
      const m = /Roda is running at (\S+)[\s\S]*Press Ctrl\+C to stop/.exec(output.join(''))
      if (m) {
        clearTimeout(timer)
        resolve(m[1]!)
      }
    }
    child.stdout!.on('data', onData)
    child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()))
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`npm start --https exited with ${code}:\n${output.join('')}`))
    })
  })
  return {
    url,
    relayPort,
    certDir,
    output,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
      fs.rmSync(certDir, { recursive: true, force: true })
    },
  }
}

function getJson(url: string, ca: string): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        let text = ''
        res.on('data', (c: Buffer) => (text += c.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }))
      })
      .on('error', reject)
  })
}

/** Completes a TLS handshake that checks the certificate against `ca` and the IP address. */
function verifiedHandshake(port: number, ca: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ host: HOST, port, ca }, () => {
      resolve(socket.authorized)
      socket.end()
    })
    socket.once('error', reject)
  })
}

async function httpsDevice(browser: Browser, baseURL: string, name: string, devices: Device[]): Promise<Device> {
  // Like accepting the self-signed certificate once on a phone.
  const context = await browser.newContext({ baseURL, ignoreHTTPSErrors: true, permissions: ['camera', 'microphone'] })
  const page = await context.newPage()
  const device: Device = { name, context, page, errors: [] }
  page.on('pageerror', (err) => device.errors.push(`uncaught: ${err.stack ?? err.message}`))
  devices.push(device)
  return device
}

test('npm start --https serves the app over TLS, the relay over wss, and two devices chat through it', async ({ browser }) => {
  test.setTimeout(120_000)
  const roda = await startHttpsRoda()
  const devices: Device[] = []
  try {
    expect(roda.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/$/)
    expect(roda.output.join('')).toContain('SHA-256 fingerprint:')

    // The certificate made at start names 127.0.0.1, so a client that trusts it verifies both servers.
    const ca = fs.readFileSync(path.join(roda.certDir, 'roda-selfsigned-cert.pem'), 'utf8')
    expect(await verifiedHandshake(Number(new URL(roda.url).port), ca)).toBe(true)
    expect(await verifiedHandshake(roda.relayPort, ca)).toBe(true)

    // The app's runtime config lists the relay as a secure WebSocket address.
    const config = await getJson(new URL('/roda-config.json', roda.url).toString(), ca)
    expect(config.status).toBe(200)
    const relays = (config.body as { relays: string[] }).relays
    expect(relays).toEqual([expect.stringMatching(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/${roda.relayPort}/tls/ws/p2p/12D3\\w+$`))])
    expect(relayWebSocketUrl(relays[0]!)).toBe(`wss://127.0.0.1:${roda.relayPort}`)

    // Two devices on the https page reach the relay over wss and talk over direct WebRTC.
    const a = await httpsDevice(browser, roda.url, 'a', devices)
    await a.page.goto('/')
    expect(await a.page.evaluate(() => [location.protocol, window.isSecureContext])).toEqual(['https:', true])
    await onboard(a.page, 'ana')
    await expect(a.page.getByTestId('relay-status')).toHaveAttribute('data-state', 'online', { timeout: 20_000 })
    const link = await createRoom(a.page, 'sala segura')
    expect(link.startsWith(roda.url)).toBe(true)

    const b = await httpsDevice(browser, roda.url, 'b', devices)
    await b.page.goto(link)
    await onboard(b.page, 'bia')
    await expect(b.page.getByTestId('relay-status')).toHaveAttribute('data-state', 'online', { timeout: 20_000 })
    await waitForDirectPeer(a.page)
    await waitForDirectPeer(b.page)
    await send(a.page, 'olá por https')
    await send(b.page, 'e por wss')
    await expect(message(b.page, 'olá por https')).toBeVisible()
    await expect(message(a.page, 'e por wss')).toBeVisible()
    for (const d of devices) expect(d.errors).toEqual([])
  } finally {
    await Promise.all(devices.map((d) => d.context.close().catch(() => {})))
    await roda.stop()
  }
})
