// TLS listeners: SSL and SASL_SSL with a PEM keystore (key + certificate in one file, as Kafka's
// ssl.keystore.type=PEM), reached by kcat verifying the broker's self-signed certificate.
import { execFile, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'

const run = promisify(execFile)
let dir: string
let keystore: string
let caCert: string
let broker: RunningBroker | undefined

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-tls-'))
  const key = path.join(dir, 'key.pem')
  caCert = path.join(dir, 'cert.pem')
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      caCert,
      '-days',
      '1',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
    ],
    { stdio: 'ignore' },
  )
  keystore = path.join(dir, 'keystore.pem')
  fs.writeFileSync(keystore, fs.readFileSync(key, 'utf8') + fs.readFileSync(caCert, 'utf8'))
  return () => fs.rmSync(dir, { recursive: true, force: true })
})

afterEach(async () => {
  await broker?.stop()
  broker = undefined
})

const kcatList = (b: RunningBroker, ...extra: string[]): Promise<{ stdout: string }> =>
  run('kcat', ['-b', b.bootstrap, '-X', `ssl.ca.location=${caCert}`, ...extra, '-m', '10', '-L', '-J'])

describe('TLS listeners', () => {
  it('serves SSL with a PEM keystore; a plaintext client gets nowhere', async () => {
    broker = await startBroker({
      config: {
        listeners: 'SSL://127.0.0.1:0',
        'ssl.keystore.type': 'PEM',
        'ssl.keystore.location': keystore,
      },
    })
    const { stdout } = await kcatList(broker, '-X', 'security.protocol=SSL')
    expect(JSON.parse(stdout).brokers).toHaveLength(1)
    await expect(run('kcat', ['-b', broker.bootstrap, '-m', '2', '-L'])).rejects.toThrow()
  })

  it('serves SASL_SSL: PLAIN over TLS, wrong password refused', async () => {
    broker = await startBroker({
      config: {
        listeners: 'SASL_SSL://127.0.0.1:0',
        'ssl.keystore.location': keystore,
        'listener.name.sasl_ssl.plain.sasl.jaas.config':
          'org.apache.kafka.common.security.plain.PlainLoginModule required user_bob="bob-secret";',
      },
    })
    const sasl = (password: string): string[] => [
      '-X',
      'security.protocol=SASL_SSL',
      '-X',
      'sasl.mechanisms=PLAIN',
      '-X',
      'sasl.username=bob',
      '-X',
      `sasl.password=${password}`,
    ]
    const { stdout } = await kcatList(broker, ...sasl('bob-secret'))
    expect(JSON.parse(stdout).brokers).toHaveLength(1)
    await expect(
      run('kcat', [
        '-b',
        broker.bootstrap,
        '-X',
        `ssl.ca.location=${caCert}`,
        ...sasl('nope'),
        '-m',
        '2',
        '-L',
      ]),
    ).rejects.toThrow()
  })
})
