// TLS for `npm start -- --https`: phones only give a page a secure context (WebCrypto, service
// workers, notifications) over HTTPS, and an https:// page may only open wss:// WebSockets.
//
// Either a real certificate (TLS_CERT and TLS_KEY: PEM files) or a self-signed one made here,
// kept in the gitignored .certs/ so a phone that accepted it once is not asked again after a
// restart. A new one is made when the addresses it must cover change or it is about to expire.
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { isIP } from 'node:net'
import { X509Certificate, createPrivateKey } from 'node:crypto'
import { generate } from 'selfsigned'

export interface TlsCredentials {
  /** PEM private key. */
  key: string
  /** PEM certificate (chain). */
  cert: string
}

export interface Certificate extends TlsCredentials {
  /** Where it came from: TLS_CERT/TLS_KEY files, a self-signed one reused from disk, or made now. */
  source: 'files' | 'reused' | 'created'
  /** Names and addresses the certificate is valid for (its subjectAltName). */
  hosts: string[]
  /** SHA-256 fingerprint, to compare with what a phone shows in its warning. */
  fingerprint: string
  /** PEM file of the certificate, when it is on disk (for phones that want to install it). */
  certPath?: string
}

const DAYS_VALID = 365
// Reused only while it has this much validity left.
const RENEW_BEFORE_MS = 14 * 24 * 3600_000

/** Whether an address listens on every interface (0.0.0.0, ::). */
export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::'
}

/** This machine's IPv4 addresses other devices on the LAN can reach (no loopback, no link-local). */
export function lanAddresses(): string[] {
  const out: string[] = []
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('169.254.')) out.push(a.address)
    }
  }
  return out
}

/**
 * What a certificate for a server bound to `host` must name: localhost and loopback always;
 * the host itself; every LAN IPv4 address when it listens on all interfaces; plus any extra
 * names (e.g. a mDNS name such as laptop.local).
 */
export function certificateHosts(host: string, extra: string[] = []): string[] {
  const hosts = ['localhost', '127.0.0.1', '::1']
  if (isWildcard(host)) hosts.push(...lanAddresses())
  else hosts.push(host)
  hosts.push(...extra)
  return [...new Set(hosts)]
}

/** Reads a real certificate and key (PEM). Fails with a message naming the variable. */
export function loadCertificateFiles(certPath: string, keyPath: string): Certificate {
  const read = (file: string, env: string): string => {
    try {
      return fs.readFileSync(file, 'utf8')
    } catch (err) {
      throw new Error(`${env}: cannot read ${file}: ${(err as Error).message}`, { cause: err })
    }
  }
  const cert = read(certPath, 'TLS_CERT')
  const key = read(keyPath, 'TLS_KEY')
  let x509: X509Certificate
  try {
    x509 = new X509Certificate(cert)
  } catch (err) {
    throw new Error(`TLS_CERT: ${certPath} is not a PEM certificate`, { cause: err })
  }
  if (!x509.checkPrivateKey(privateKeyOf(key, keyPath))) throw new Error(`TLS_KEY: ${keyPath} is not the key of the certificate in ${certPath}`)
  return { cert, key, source: 'files', hosts: altNames(x509), fingerprint: x509.fingerprint256 }
}

function privateKeyOf(pem: string, keyPath: string) {
  try {
    return createPrivateKey(pem)
  } catch (err) {
    throw new Error(`TLS_KEY: ${keyPath} is not a PEM private key`, { cause: err })
  }
}

/**
 * A self-signed certificate for `hosts`, from `dir` when one there still covers them all and is
 * not about to expire, otherwise made now (EC P-256, SHA-256, one year) and saved to `dir`.
 * With no `dir` it lives in memory only.
 */
export async function selfSignedCertificate(hosts: string[], dir?: string): Promise<Certificate> {
  const certPath = dir && path.join(dir, 'roda-selfsigned-cert.pem')
  const keyPath = dir && path.join(dir, 'roda-selfsigned-key.pem')
  if (certPath && keyPath && fs.existsSync(certPath) && fs.existsSync(keyPath)) {
    try {
      const cert = fs.readFileSync(certPath, 'utf8')
      const key = fs.readFileSync(keyPath, 'utf8')
      const x509 = new X509Certificate(cert)
      const covered = altNames(x509)
      const fresh = Date.parse(x509.validTo) - Date.now() > RENEW_BEFORE_MS
      if (fresh && hosts.every((h) => covered.includes(h)) && x509.checkPrivateKey(createPrivateKey(key))) {
        return { cert, key, source: 'reused', hosts: covered, fingerprint: x509.fingerprint256, certPath }
      }
    } catch {
      // Unreadable or damaged: make a new one below.
    }
  }

  const notBeforeDate = new Date(Date.now() - 3600_000) // a phone whose clock runs a little behind
  const pems = await generate([{ name: 'commonName', value: 'Roda (self-signed)' }, { name: 'organizationName', value: 'Roda' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate: new Date(notBeforeDate.getTime() + DAYS_VALID * 24 * 3600_000),
    extensions: [
      { name: 'basicConstraints', cA: false, critical: true },
      { name: 'keyUsage', digitalSignature: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: hosts.map((h) => (isIP(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h })) },
    ],
  })
  const x509 = new X509Certificate(pems.cert)
  const made: Certificate = { cert: pems.cert, key: pems.private, source: 'created', hosts: altNames(x509), fingerprint: x509.fingerprint256 }
  if (dir && certPath && keyPath) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 })
    fs.writeFileSync(keyPath, pems.private, { mode: 0o600 })
    fs.writeFileSync(certPath, pems.cert)
    made.certPath = certPath
  }
  return made
}

/** The DNS names and IP addresses of a certificate's subjectAltName. */
export function altNames(x509: X509Certificate): string[] {
  return (x509.subjectAltName ?? '')
    .split(', ')
    .map((entry) => /^(?:DNS|IP Address):(.+)$/.exec(entry)?.[1])
    .filter((v): v is string => v !== undefined)
    .map((v) => (v.includes(':') ? normaliseIPv6(v) : v))
}

/** Node prints IPv6 SANs in full (0:0:0:0:0:0:0:1); compare them in their short form. */
function normaliseIPv6(ip: string): string {
  try {
    return new URL(`http://[${ip}]/`).hostname.slice(1, -1)
  } catch {
    return ip
  }
}
