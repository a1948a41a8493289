// Web mode end to end: the server, a real broker started by the supervisor (child-process adapter), and
// contract calls over the WebSocket in the wire format of renderer/src/api/ws-transport.ts (whose own
// test is test/renderer/api/ws-transport.test.ts).
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startWebMode } from '../../electron/web/main.ts'
import { checkUpgrade } from '../../electron/web/server.ts'
import type { Envelope } from '../../electron/contract.ts'

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

  it('runs contract calls end to end and pushes events', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${web.server.port}/api?token=${web.server.token}`, { origin })
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    const events: { event: string; payload: { state?: string } }[] = []
    const answers = new Map<number, (e: Envelope<unknown>) => void>()
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as {
        id?: number
        envelope?: Envelope<unknown>
        event: string
        payload: { state?: string }
      }
      if (message.id !== undefined) answers.get(message.id)?.(message.envelope!)
      else events.push(message)
    })
    let nextId = 1
    const call = (op: string, args: unknown): Promise<Envelope<unknown>> =>
      new Promise((resolve) => {
        const id = nextId++
        answers.set(id, resolve)
        ws.send(JSON.stringify({ id, op, args }))
      })
    try {
      expect(await call('app/info', {})).toEqual({
        ok: true,
        value: { version: '0.1.0', mode: 'web', passwordsPersisted: false },
      })
      expect(await call('broker/status', {})).toMatchObject({ ok: true, value: { state: 'running' } })
      expect(
        await call('topics/create', {
          cluster: 'bundled',
          name: 'web-orders',
          partitions: 2,
          replicationFactor: 1,
        }),
      ).toEqual({
        ok: true,
        value: undefined,
      })
      const listed = (await call('topics/list', { cluster: 'bundled' })) as Envelope<
        { name: string; partitions: number }[]
      >
      expect(listed.ok && listed.value.find((t) => t.name === 'web-orders')?.partitions).toBe(2)
      const invalid = await call('topics/create', {
        cluster: 'bundled',
        name: '',
        partitions: 1,
        replicationFactor: 1,
      })
      expect(invalid).toMatchObject({ ok: false, error: { code: 'invalid-argument' } })
      const tail = (await call('messages/tailStart', {
        cluster: 'bundled',
        topic: 'web-orders',
        intervalMs: 50,
      })) as Envelope<{
        tailId: string
      }>
      expect(tail.ok).toBe(true)
      const tailId = tail.ok ? tail.value.tailId : ''
      const produced = await call('messages/produce', {
        cluster: 'bundled',
        topic: 'web-orders',
        partition: 1,
        value: { text: 'hello from the browser', format: 'text' },
      })
      expect(produced).toMatchObject({ ok: true, value: { topic: 'web-orders', partition: 1, offset: '0' } })
      await new Promise<void>((resolve) => {
        const check = (): void => {
          const seen = events.some(
            (e) =>
              e.event === 'messages/tail' && JSON.stringify(e.payload).includes('hello from the browser'),
          )
          if (seen) resolve()
          else ws.once('message', check)
        }
        check()
      })
      expect(await call('messages/tailStop', { tailId })).toEqual({ ok: true, value: undefined })
      expect(await call('broker/restart', {})).toMatchObject({ ok: true, value: { state: 'running' } })
      expect(events.filter((e) => e.event === 'broker/status').map((e) => e.payload.state)).toContain(
        'stopping',
      )
    } finally {
      ws.close()
    }
  })
})
