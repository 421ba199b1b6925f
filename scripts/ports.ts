// Small helpers about TCP ports, so that a taken port gives a clear message instead of a
// stack trace from deep inside Vite or libp2p.
import net from 'node:net'

/** Resolves when nothing listens on host:port (we could bind it), rejects with a clear message otherwise. */
export async function assertPortFree(host: string, port: number, what: string, envName: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer()
    probe.unref()
    probe.once('error', (err: NodeJS.ErrnoException) => {
      reject(new Error(portErrorMessage(host, port, what, envName, err)))
    })
    probe.listen({ host, port, exclusive: true }, () => {
      probe.close(() => resolve())
    })
  })
}

export function portErrorMessage(host: string, port: number, what: string, envName: string, err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'EADDRINUSE':
      return `${what}: port ${port} on ${host} is already in use. Stop whatever uses it, or pick another port with ${envName}=<port>.`
    case 'EACCES':
      return `${what}: not allowed to listen on port ${port} on ${host} (${err.code}). Pick another port with ${envName}=<port>.`
    case 'EADDRNOTAVAIL':
      return `${what}: address ${host} is not available on this machine (${err.code}). Check HOST.`
    default:
      return `${what}: cannot listen on ${host}:${port}: ${err.message}`
  }
}

/** Parses a port from an environment variable, with a clear error for nonsense. */
export function portFromEnv(envName: string, fallback: number): number {
  const raw = process.env[envName]
  if (raw === undefined || raw.trim() === '') return fallback
  const port = Number(raw)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${envName} must be a TCP port number (0-65535), got ${JSON.stringify(raw)}`)
  }
  return port
}

/** Formats host:port for a URL (brackets around IPv6 literals). */
export function hostForUrl(host: string): string {
  return host.includes(':') && !host.startsWith('[') ? `[${host}]` : host
}
