// Web mode end to end: the server, a real broker started by the supervisor (child-process adapter), and
// the renderer's own WebSocket transport.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startWebMode } from '../../electron/web/main.ts'
import { checkUpgrade } from '../../electron/web/server.ts'
import { clientOver, StrataError } from '../../renderer/src/api/client.ts'
import { wsTransport, wsUrlFromLocation } from '../../renderer/src/api/ws-transport.ts'

type WebMode = Awaited<ReturnType<typeof startWebMode>>

function upgradeStatus(url: string, origin: string | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin ? { origin } : {})
    ws.on('open', () => {
      ws.close()
      resolve(101)
    })
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.on('error', reject)
  })
}

function get(url: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    request(url, (res) => {
      let body = ''
      res.on('data', (d: Buffer) => (body += d.toString()))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
      .on('error', reject)
      .end()
  })
}

describe('web mode', () => {
  let web: WebMode
  let origin: string

  beforeAll(async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'strata-web-'))
    const staticDir = path.join(root, 'static')
    await mkdir(staticDir)
    await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>Strata</title>')
    await writeFile(path.join(root, 'secret.txt'), 'do not serve')
    web = await startWebMode({
      port: 0,
      stateDir: path.join(root, 'state'),
      staticDir,
      brokerPort: null,
      log: () => undefined,
    })
    origin = `http://127.0.0.1:${web.server.port}`
    const status = await web.app.supervisor.start()
    expect(status.state).toBe('running')
  })
  afterAll(() => web?.stop())

  it('prints a URL with a random token', () => {
    expect(web.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{20,}$/)
  })

  it('serves the static renderer without a token, with the CSP, and nothing outside it', async () => {
    const page = await get(`${origin}/`)
    expect(page.status).toBe(200)
    expect(page.body).toContain('<title>Strata</title>')
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'")
    expect(page.headers['referrer-policy']).toBe('no-referrer')
    expect((await get(`${origin}/topics/orders`)).status).toBe(200)
    expect((await get(`${origin}/../secret.txt`)).body).not.toContain('do not serve')
    const encoded = await get(`${origin}/%2e%2e/secret.txt`)
    expect(encoded.status).not.toBe(200)
    expect(encoded.body).not.toContain('do not serve')
  })

  it('refuses the API with a missing or wrong token, or a foreign Origin', async () => {
    const api = `ws://127.0.0.1:${web.server.port}/api`
    expect(await upgradeStatus(api, origin)).toBe(401)
    expect(await upgradeStatus(`${api}?token=wrong`, origin)).toBe(401)
    expect(await upgradeStatus(`${api}?token=${web.server.token}`, 'https://evil.example')).toBe(403)
    expect(await upgradeStatus(`${api}?token=${web.server.token}`, null)).toBe(403)
    expect(await upgradeStatus(`${api}?token=${web.server.token}`, origin)).toBe(101)
  })

  it('checkUpgrade compares the whole token', () => {
    const req = (url: string) => ({ url, headers: { origin: 'http://127.0.0.1:1' } })
    expect(checkUpgrade(req('/api?token=abcd'), 'abcd', 1)).toEqual({ ok: true })
    expect(checkUpgrade(req('/api?token=abc'), 'abcd', 1)).toMatchObject({ ok: false, status: 401 })
    expect(checkUpgrade(req('/other?token=abcd'), 'abcd', 1)).toMatchObject({ ok: false, status: 404 })
  })

  it('runs contract calls end to end through the renderer transport', async () => {
    // A browser always sends Origin; the ws package needs it spelled out.
    const Impl = class extends WebSocket {
      constructor(url: string) {
        super(url, { origin })
      }
    } as unknown as typeof globalThis.WebSocket
    const url = wsUrlFromLocation({
      protocol: 'http:',
      host: `127.0.0.1:${web.server.port}`,
      search: `?token=${web.server.token}`,
    })
    const transport = wsTransport({ url, WebSocketImpl: Impl })
    const client = clientOver(transport)
    try {
      const info = await client.call('app/info', {})
      expect(info).toEqual({ version: '0.1.0', mode: 'web', passwordsPersisted: false })
      const status = await client.call('broker/status', {})
      expect(status.state).toBe('running')

      const statuses: string[] = []
      const off = client.on('broker/status', (s) => statuses.push(s.state))
      await client.call('topics/create', {
        cluster: 'bundled',
        name: 'web-orders',
        partitions: 2,
        replicationFactor: 1,
      })
      const topics = await client.call('topics/list', { cluster: 'bundled' })
      expect(topics.find((t) => t.name === 'web-orders')?.partitions).toBe(2)

      const error = await client
        .call('topics/create', { cluster: 'bundled', name: '', partitions: 1, replicationFactor: 1 })
        .catch((e: unknown) => e)
      expect(error).toBeInstanceOf(StrataError)
      expect((error as StrataError).code).toBe('invalid-argument')

      const restarted = await client.call('broker/restart', {})
      expect(restarted.state).toBe('running')
      expect(statuses).toContain('stopping')
      off()
    } finally {
      transport.close()
    }
  })
})
