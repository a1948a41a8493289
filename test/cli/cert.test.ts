// `strata cert`: a self-signed certificate a TLS client verifies for localhost and 127.0.0.1 with the
// certificate itself as the CA file; key files owner-only; no silent overwrite; clear usage errors.
// Also `strata broker` refusing bad listener configs.
import { X509Certificate, createPrivateKey } from 'node:crypto'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import tls from 'node:tls'
import { afterAll, describe, expect, it } from 'vitest'
import { startBroker } from '../helpers/broker-process.ts'
import { cli, oneLine } from './cli-process.ts'

const dirs: string[] = []
const tmpDir = (): string => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-cert-'))
  dirs.push(d)
  return d
}
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true })
})

/** Completes a TLS handshake to a server using the keystore, verifying against cert.pem as `servername`. */
async function handshake(keystore: string, ca: string, servername: string): Promise<void> {
  const pem = fs.readFileSync(keystore, 'utf8')
  const server = tls.createServer({ key: pem, cert: pem }, (s) => s.end())
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  try {
    await new Promise<void>((resolve, reject) => {
      const s = tls.connect(
        { host: '127.0.0.1', port, ca: fs.readFileSync(ca), ...verifyAs(servername) },
        () => {
          s.end()
          resolve()
        },
      )
      s.once('error', reject)
    })
  } finally {
    server.close()
  }
}

// An IP address is checked against the IP SANs; it is not a valid SNI name, so none is sent.
function verifyAs(name: string): tls.ConnectionOptions {
  return net.isIP(name)
    ? { servername: '', checkServerIdentity: (_host, cert) => tls.checkServerIdentity(name, cert) }
    : { servername: name }
}

describe('strata cert', () => {
  it('writes a certificate valid for localhost, 127.0.0.1, ::1 and extra hosts, and its key', async () => {
    const out = path.join(tmpDir(), 'tls')
    const res = await cli(['cert', '--out', out, '--host', 'broker.test', '--host', '10.0.0.7'])
    expect(res.code).toBe(0)
    expect(res.stdout).toContain('ssl.keystore.location=')
    const cert = new X509Certificate(fs.readFileSync(path.join(out, 'cert.pem')))
    expect(cert.subjectAltName?.split(', ').sort()).toEqual(
      [
        'DNS:localhost',
        'IP Address:127.0.0.1',
        'IP Address:0:0:0:0:0:0:0:1',
        'DNS:broker.test',
        'IP Address:10.0.0.7',
      ].sort(),
    )
    expect(cert.checkPrivateKey(createPrivateKey(fs.readFileSync(path.join(out, 'key.pem'))))).toBe(true)
    expect(fs.statSync(path.join(out, 'key.pem')).mode & 0o077).toBe(0)
    expect(fs.statSync(path.join(out, 'keystore.pem')).mode & 0o077).toBe(0)
    for (const name of ['localhost', '127.0.0.1', 'broker.test']) {
      await handshake(path.join(out, 'keystore.pem'), path.join(out, 'cert.pem'), name)
    }
    await expect(
      handshake(path.join(out, 'keystore.pem'), path.join(out, 'cert.pem'), 'other.test'),
    ).rejects.toThrow(/altnames|Hostname/i)
  })

  it('refuses to overwrite without --force, and overwrites with it', async () => {
    const out = tmpDir()
    expect((await cli(['cert', '--out', out])).code).toBe(0)
    const before = fs.readFileSync(path.join(out, 'cert.pem'), 'utf8')
    const again = await cli(['cert', '--out', out])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain('--force')
    expect(oneLine(again.stderr)).toBe(true)
    expect(fs.readFileSync(path.join(out, 'cert.pem'), 'utf8')).toBe(before)
    expect((await cli(['cert', '--out', out, '--force'])).code).toBe(0)
    expect(fs.readFileSync(path.join(out, 'cert.pem'), 'utf8')).not.toBe(before)
  })

  it('explains bad usage', async () => {
    const missing = await cli(['cert'])
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('--out')
    const days = await cli(['cert', '--out', tmpDir(), '--days', 'soon'])
    expect(days.code).toBe(2)
    expect(days.stderr).toContain('--days')
  })
})

describe('strata broker listener configs', () => {
  it('refuses an unmapped listener name and an advertised listener that is not bound', async () => {
    const dir = tmpDir()
    const unmapped = await cli(['broker', '--data-dir', dir, '--config', 'listeners=CLIENT://127.0.0.1:0'])
    expect(unmapped.code).toBe(2)
    expect(unmapped.stderr).toContain('CLIENT has no security protocol')
    const advertised = await cli([
      'broker',
      '--data-dir',
      dir,
      '--config',
      'listeners=PLAINTEXT://127.0.0.1:0',
      '--config',
      'advertised.listeners=SSL://localhost:9093',
    ])
    expect(advertised.code).toBe(2)
    expect(advertised.stderr).toContain('not in listeners')
  })

  it('fails cleanly when one listener cannot bind, leaving the data directory usable', async () => {
    const dir = tmpDir()
    const busy = net.createServer()
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve))
    const { port } = busy.address() as net.AddressInfo
    const res = await cli([
      'broker',
      '--data-dir',
      dir,
      '--config',
      `listeners=PLAINTEXT://127.0.0.1:0,OTHER://127.0.0.1:${port}`,
      '--config',
      'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,OTHER:PLAINTEXT',
    ])
    busy.close()
    expect(res.code).toBe(1)
    expect(res.stderr).toContain('EADDRINUSE')
    const broker = await startBroker({ dataDir: dir })
    expect(await broker.stop()).toBe(0)
  })
})
