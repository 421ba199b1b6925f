// Serves the built web app (dist/) with Vite's preview server, plus the runtime config the app
// reads at startup from ./roda-config.json.
import type { AddressInfo } from 'node:net'
import fs from 'node:fs'
import path from 'node:path'
import { preview, type Plugin, type PreviewServer } from 'vite'
import { hostForUrl, portErrorMessage } from './ports.ts'

/** What the app finds at ./roda-config.json. */
export interface RuntimeConfig {
  relays: string[]
}

/** About the request for /roda-config.json: the host name the browser used to reach us. */
export interface ConfigRequest {
  /** From the Host header, without port or IPv6 brackets; undefined if absent. */
  hostname?: string
}

export interface ServeAppOptions {
  /** Project root (where vite.config.ts and dist/ live). */
  root: string
  /** Build output directory, relative to root. */
  outDir?: string
  host: string
  port: number
  /** Called on every request, so the answer always reflects the running relay. */
  runtimeConfig: (request: ConfigRequest) => RuntimeConfig
  /** Serve over HTTPS with this certificate and key (PEM): phones need a secure context. */
  https?: { key: string; cert: string }
}

export interface ServedApp {
  /** The URL to open, e.g. http://127.0.0.1:5173/ */
  url: string
  close(): Promise<void>
}

export const RUNTIME_CONFIG_PATH = '/roda-config.json'

/**
 * Answers GET/HEAD /roda-config.json from memory. The middleware is registered directly in the
 * hook (not in a returned post hook) so it runs before Vite's static files: a roda-config.json
 * copied from public/ into dist/ for `vite dev` never shadows the live one.
 */
export function runtimeConfigPlugin(runtimeConfig: (request: ConfigRequest) => RuntimeConfig): Plugin {
  return {
    name: 'roda-runtime-config',
    configurePreviewServer(server) {
      server.middlewares.use((req, res, next) => {
        const pathname = (req.url ?? '').split('?')[0]
        if (pathname !== RUNTIME_CONFIG_PATH) return next()
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          res.statusCode = 405
          res.setHeader('Allow', 'GET, HEAD')
          res.end()
          return
        }
        // HTTP/2 (what Vite serves over TLS) names the host in :authority, HTTP/1.1 in Host.
        const authority = req.headers.host ?? (req.headers[':authority'] as string | undefined)
        const body = JSON.stringify(runtimeConfig({ hostname: hostnameOf(authority) }))
        res.statusCode = 200
        res.setHeader('Content-Type', 'application/json; charset=utf-8')
        res.setHeader('Cache-Control', 'no-cache')
        res.setHeader('Content-Length', Buffer.byteLength(body))
        res.end(req.method === 'HEAD' ? undefined : body)
      })
    },
  }
}

/** 'example.org:5173' -> 'example.org', '[::1]:5173' -> '::1'. */
export function hostnameOf(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined
  try {
    const name = new URL(`http://${hostHeader}/`).hostname
    return name.startsWith('[') ? name.slice(1, -1) : name
  } catch {
    return undefined
  }
}

export async function serveApp(options: ServeAppOptions): Promise<ServedApp> {
  const outDir = options.outDir ?? 'dist'
  const indexHtml = path.join(options.root, outDir, 'index.html')
  if (!fs.existsSync(indexHtml)) {
    throw new Error(`No built app at ${indexHtml}. Run \`npm run build\` first, or start without --no-build.`)
  }

  let server: PreviewServer
  // Vite's preview() installs its own process.once('SIGTERM') (and, outside CI, stdin 'end')
  // handler that closes only the web server and exits with 143, racing the caller's shutdown of
  // the relay. The caller owns the process's signals: remove what preview() added.
  const sigtermBefore = new Set(process.listeners('SIGTERM'))
  // (Vite touches process.stdin only outside CI; so do we, to not create the stream needlessly.)
  const watchesStdin = process.env.CI !== 'true'
  const stdinEndBefore = new Set(watchesStdin ? process.stdin.listeners('end') : [])
  try {
    server = await preview({
      root: options.root,
      // Keep Vite quiet: start.ts prints the one line that matters.
      logLevel: 'warn',
      build: { outDir },
      plugins: [runtimeConfigPlugin(options.runtimeConfig)],
      preview: {
        host: options.host,
        port: options.port,
        strictPort: true,
        open: false,
        ...(options.https != null && { https: { key: options.https.key, cert: options.https.cert } }),
      },
    })
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    if (e.code === 'EADDRINUSE' || /already in use/i.test(e.message)) {
      throw new Error(portErrorMessage(options.host, options.port, 'Web server', 'PORT', { ...e, code: 'EADDRINUSE' }), { cause: err })
    }
    throw err
  } finally {
    for (const l of process.listeners('SIGTERM')) if (!sigtermBefore.has(l)) process.off('SIGTERM', l)
    if (watchesStdin) {
      for (const l of process.stdin.listeners('end')) if (!stdinEndBefore.has(l)) process.stdin.off('end', l as () => void)
    }
  }

  const address = server.httpServer.address() as AddressInfo | null
  const port = address?.port ?? options.port
  return {
    url: `${options.https != null ? 'https' : 'http'}://${hostForUrl(options.host)}:${port}/`,
    close: () => server.close(),
  }
}
