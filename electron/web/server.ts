// Web mode's server on 127.0.0.1: the built renderer as static files (no secret needed), and the IPC
// contract over a WebSocket at /api that requires the per-run token and the server's own Origin.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import path from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import type { Events } from '../contract.ts'
import type { Dispatch } from '../main/dispatch.ts'
import { CONTENT_SECURITY_POLICY } from '../main/security.ts'

export interface WebServerOptions {
  staticDir: string
  dispatch: Dispatch
  /** 0 (default) for any free port. */
  port?: number
  /** A fixed token for tests; a random one per run otherwise. */
  token?: string
  /** Called when the last browser tab disconnects (e.g. to stop its live tails). */
  onIdle?: () => void
}

export interface WebServer {
  port: number
  token: string
  /** The URL to open, with the token. */
  url: string
  broadcast<E extends keyof Events>(event: E, payload: Events[E]): void
  close(): Promise<void>
}

const HOST = '127.0.0.1'
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given)
  const b = Buffer.from(expected)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The WebSocket upgrade's checks: path /api, the right token, and an Origin of this very server. */
export function checkUpgrade(
  request: { url?: string | undefined; headers: { origin?: string | undefined } },
  token: string,
  port: number,
): { ok: true } | { ok: false; status: number; reason: string } {
  const url = new URL(request.url ?? '/', `http://${HOST}:${port}`)
  if (url.pathname !== '/api') return { ok: false, status: 404, reason: 'Not Found' }
  const given = url.searchParams.get('token') ?? ''
  if (!given || !sameSecret(given, token)) return { ok: false, status: 401, reason: 'Unauthorized' }
  const allowed = [`http://${HOST}:${port}`, `http://localhost:${port}`]
  if (!request.headers.origin || !allowed.includes(request.headers.origin))
    return { ok: false, status: 403, reason: 'Forbidden' }
  return { ok: true }
}

function refuse(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
}

async function serveStatic(staticDir: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    // The page URL carries the token: never send it on as a referrer.
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end()
    return
  }
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)
  const root = path.resolve(staticDir)
  let file = path.resolve(root, '.' + (pathname === '/' ? '/index.html' : pathname))
  if (file !== root && !file.startsWith(root + path.sep)) {
    res.writeHead(403, headers).end()
    return
  }
  let info = await stat(file).catch(() => null)
  // Client-side routes without a file extension get the app page.
  if (!info && path.extname(file) === '') {
    file = path.join(root, 'index.html')
    info = await stat(file).catch(() => null)
  }
  if (!info?.isFile()) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('Not found')
    return
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': contentTypes[path.extname(file)] ?? 'application/octet-stream',
    'Content-Length': info.size,
  })
  if (req.method === 'HEAD') res.end()
  else createReadStream(file).pipe(res)
}

function isRequest(value: unknown): value is { id: number; op: string; args: unknown } {
  if (typeof value !== 'object' || value === null) return false
  const v = value as Record<string, unknown>
  return typeof v['id'] === 'number' && Number.isSafeInteger(v['id']) && typeof v['op'] === 'string'
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? randomBytes(24).toString('base64url')
  const clients = new Set<WebSocket>()
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
  const server: Server = createServer((req, res) => {
    serveStatic(options.staticDir, req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end()
      else res.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, HOST, () => resolve())
  })
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0

  server.on('upgrade', (req, socket, head) => {
    const verdict = checkUpgrade(req, token, port)
    if (!verdict.ok) return refuse(socket, verdict.status, verdict.reason)
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws)
      ws.on('close', () => {
        clients.delete(ws)
        if (clients.size === 0) options.onIdle?.()
      })
      ws.on('message', (data) => {
        let message: unknown
        try {
          message = JSON.parse(String(data))
        } catch {
          ws.close(1003, 'messages must be JSON')
          return
        }
        if (!isRequest(message)) {
          ws.close(1008, 'expected { id, op, args }')
          return
        }
        void options.dispatch(message.op, message.args).then((envelope) => {
          if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: message.id, envelope }))
        })
      })
    })
  })

  return {
    port,
    token,
    url: `http://${HOST}:${port}/?token=${token}`,
    broadcast(event, payload) {
      const text = JSON.stringify({ event, payload })
      for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(text)
    },
    async close() {
      for (const ws of clients) ws.terminate()
      wss.close()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
