// HTTPS mode's certificates (scripts/tls.ts) and the relay listening over TLS with one.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import { afterEach, describe, expect, it } from 'vitest'
import { certificateHosts, lanAddresses, loadCertificateFiles, selfSignedCertificate } from '../../scripts/tls.ts'
import { preferHost } from '../../scripts/roda-server.ts'
import { hostnameOf } from '../../scripts/serve-app.ts'
import { createRelay } from '../../signaling-relay/src/index.ts'

const dirs: string[] = []
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'roda-tls-test-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

describe('certificateHosts', () => {
  it('names localhost and loopback, plus the bound address', () => {
    expect(certificateHosts('127.0.0.1')).toEqual(['localhost', '127.0.0.1', '::1'])
    expect(certificateHosts('10.1.2.3', ['laptop.local'])).toEqual(['localhost', '127.0.0.1', '::1', '10.1.2.3', 'laptop.local'])
  })

  it('names every LAN address when bound to all interfaces', () => {
    const hosts = certificateHosts('0.0.0.0')
    expect(hosts.slice(0, 3)).toEqual(['localhost', '127.0.0.1', '::1'])
    for (const ip of lanAddresses()) expect(hosts).toContain(ip)
    expect(hosts).not.toContain('0.0.0.0')
  })
})

describe('selfSignedCertificate', () => {
  it('is made once, kept on disk and reused while it covers the same hosts', async () => {
    const dir = tempDir()
    const first = await selfSignedCertificate(['localhost', '127.0.0.1', '::1'], dir)
    expect(first.source).toBe('created')
    expect(first.hosts).toEqual(['localhost', '127.0.0.1', '::1'])
    expect(first.certPath).toBe(path.join(dir, 'roda-selfsigned-cert.pem'))
    expect(fs.statSync(path.join(dir, 'roda-selfsigned-key.pem')).mode & 0o077).toBe(0)

    const again = await selfSignedCertificate(['127.0.0.1', 'localhost'], dir)
    expect(again.source).toBe('reused')
    expect(again.fingerprint).toBe(first.fingerprint)

    // A new address (the laptop moved to another network): a new certificate that names it.
    const moved = await selfSignedCertificate(['localhost', '127.0.0.1', '::1', '10.9.8.7'], dir)
    expect(moved.source).toBe('created')
    expect(moved.hosts).toContain('10.9.8.7')
    expect(moved.fingerprint).not.toBe(first.fingerprint)
  })

  it('lives in memory when given no directory', async () => {
    const cert = await selfSignedCertificate(['localhost'])
    expect(cert.source).toBe('created')
    expect(cert.certPath).toBeUndefined()
    expect(cert.cert).toContain('BEGIN CERTIFICATE')
  })
})

describe('loadCertificateFiles', () => {
  it('reads a certificate and its key, and refuses a key that does not match', async () => {
    const [one, two] = [tempDir(), tempDir()]
    const a = await selfSignedCertificate(['localhost'], one)
    await selfSignedCertificate(['localhost'], two)
    const loaded = loadCertificateFiles(path.join(one, 'roda-selfsigned-cert.pem'), path.join(one, 'roda-selfsigned-key.pem'))
    expect(loaded).toMatchObject({ source: 'files', fingerprint: a.fingerprint, hosts: ['localhost'] })
    expect(() => loadCertificateFiles(path.join(one, 'roda-selfsigned-cert.pem'), path.join(two, 'roda-selfsigned-key.pem'))).toThrow(/TLS_KEY: .* is not the key/)
    expect(() => loadCertificateFiles(path.join(one, 'missing.pem'), path.join(one, 'roda-selfsigned-key.pem'))).toThrow(/TLS_CERT: cannot read/)
  })
})

describe('relay over TLS', () => {
  it('listens on /tls/ws and completes a verified TLS handshake with the certificate', async () => {
    const cert = await selfSignedCertificate(['localhost', '127.0.0.1'])
    const relay = await createRelay({ host: '127.0.0.1', port: 0, tls: { key: cert.key, cert: cert.cert } })
    try {
      expect(relay.addresses).toEqual([expect.stringMatching(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/tls\/ws\/p2p\/12D3/)])
      const port = Number(relay.addresses[0]!.split('/')[4])
      const authorized = await new Promise<boolean>((resolve, reject) => {
        const socket = tls.connect({ host: '127.0.0.1', port, ca: cert.cert }, () => {
          resolve(socket.authorized)
          socket.end()
        })
        socket.once('error', reject)
      })
      expect(authorized).toBe(true)
    } finally {
      await relay.stop()
    }
  })
})

describe('runtime config for a LAN', () => {
  it('reads the host name a browser used', () => {
    expect(hostnameOf('192.168.1.20:5173')).toBe('192.168.1.20')
    expect(hostnameOf('[::1]:5173')).toBe('::1')
    expect(hostnameOf('laptop.local')).toBe('laptop.local')
    expect(hostnameOf(undefined)).toBeUndefined()
  })

  it('lists the relay on that host first', () => {
    const addrs = ['/ip4/127.0.0.1/tcp/9090/tls/ws/p2p/X', '/ip4/192.168.1.20/tcp/9090/tls/ws/p2p/X', '/ip4/10.0.0.5/tcp/9090/tls/ws/p2p/X']
    expect(preferHost(addrs, '192.168.1.20')).toEqual([addrs[1], addrs[0], addrs[2]])
    expect(preferHost(addrs, '127.0.0.1')).toEqual(addrs)
    expect(preferHost(addrs, 'example.org')).toEqual(addrs)
    expect(preferHost(addrs, undefined)).toEqual(addrs)
  })
})
