// A tiny web server a test owns (like the relay from createRelay): it serves a built app from a
// directory on 127.0.0.1 and answers /roda-config.json, and the test can stop it to take the
// network away, or change the files under it to deploy a new version.
import fs from 'node:fs'
import http from 'node:http'
import type { Socket } from 'node:net'
import path from 'node:path'

export interface StaticServer {
  /** e.g. http://127.0.0.1:5183/ */
  url: string
  /** Closes the server and every open connection. Safe to call twice. */
  close(): Promise<void>
}

export interface StaticServerOptions {
  port: number
  /** What /roda-config.json answers; 404 without it. */
  config?: () => unknown
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
}

export async function serveStatic(dir: string, options: StaticServerOptions): Promise<StaticServer> {
  const root = path.resolve(dir)
  const sockets = new Set<Socket>()
  const server = http.createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end()
      return
    }
    if (pathname === '/roda-config.json') {
      if (!options.config) {
        res.writeHead(404).end()
        return
      }
      const body = JSON.stringify(options.config())
      res.writeHead(200, { 'Content-Type': TYPES['.json']!, 'Cache-Control': 'no-cache' }).end(req.method === 'HEAD' ? undefined : body)
      return
    }
    let file = path.join(root, pathname)
    if (!file.startsWith(root + path.sep) && file !== root) {
      res.writeHead(403).end()
      return
    }
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      // A single-page app: unknown paths without an extension get index.html.
      if (path.extname(pathname) && !pathname.endsWith('/')) {
        res.writeHead(404).end()
        return
      }
      file = path.join(root, 'index.html')
    }
    const body = fs.readFileSync(file)
    res.writeHead(200, {
      'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': body.length,
      'Cache-Control': 'no-cache',
    })
    res.end(req.method === 'HEAD' ? undefined : body)
  })
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', () => resolve())
  })
  let closed: Promise<void> | undefined
  return {
    url: `http://127.0.0.1:${options.port}/`,
    close() {
      closed ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const s of sockets) s.destroy()
      })
      return closed
    },
  }
}
