// Client certificate authentication (ssl.client.auth) with kcat and kafkajs: certificates from a test CA
// made with openssl. The certificate's subject is the principal the ACL authorizer sees; an untrusted or
// (when required) missing certificate gets no connection; a mapping rule shortens the subject to its CN.
import { execFile, execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type RunningBroker } from '../helpers/broker-process.ts'

const run = promisify(execFile)
let dir: string
let broker: RunningBroker | undefined

const file = (name: string): string => path.join(dir, name)
const openssl = (...args: string[]): void => void execFileSync('openssl', args, { stdio: 'ignore' })
const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']

/** A key and a certificate for `subject`, signed by the test CA or (ca = false) by itself. */
function clientCert(name: string, subject: string, ca = true): void {
  if (!ca) {
    openssl(
      'req',
      '-x509',
      ...EC,
      '-keyout',
      file(`${name}.key`),
      '-out',
      file(`${name}.pem`),
      '-days',
      '1',
      '-subj',
      subject,
    )
    return
  }
  openssl('req', ...EC, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', subject)
  openssl(
    'x509',
    '-req',
    '-in',
    file(`${name}.csr`),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-set_serial',
    String(Math.floor(Math.random() * 1e9)),
    '-days',
    '1',
    '-out',
    file(`${name}.pem`),
  )
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-mtls-'))
  // The broker's own certificate (clients verify it) and the CA that signs client certificates.
  openssl(
    'req',
    '-x509',
    ...EC,
    '-keyout',
    file('server.key'),
    '-out',
    file('server.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
  )
  fs.writeFileSync(
    file('keystore.pem'),
    fs.readFileSync(file('server.key'), 'utf8') + fs.readFileSync(file('server.pem'), 'utf8'),
  )
  openssl(
    'req',
    '-x509',
    ...EC,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '1',
    '-subj',
    '/CN=Test CA',
  )
  clientCert('admin', '/O=acme/CN=admin')
  clientCert('alice', '/O=acme/OU=dev/CN=Alice')
  clientCert('bob', '/O=acme/OU=dev/CN=bob')
  clientCert('mallory', '/O=acme/OU=dev/CN=Alice', false)
  return () => fs.rmSync(dir, { recursive: true, force: true })
})

afterEach(async () => {
  await broker?.stop()
  broker = undefined
})

const AUTHZ = {
  listeners: 'SSL://127.0.0.1:0',
  'ssl.keystore.location': '',
  'authorizer.class.name': 'org.apache.kafka.metadata.authorizer.StandardAuthorizer',
}

function config(extra: Record<string, string>): Record<string, string> {
  return { ...AUTHZ, 'ssl.keystore.location': file('keystore.pem'), ...extra }
}

/** kcat metadata as the holder of `cert` (none: no client certificate); rejects when kcat fails. */
async function topicsSeenBy(cert: string | null): Promise<string[]> {
  const id = cert
    ? [
        '-X',
        `ssl.certificate.location=${file(`${cert}.pem`)}`,
        '-X',
        `ssl.key.location=${file(`${cert}.key`)}`,
      ]
    : []
  const { stdout } = await run('kcat', [
    '-b',
    (broker as RunningBroker).bootstrap,
    '-X',
    'security.protocol=SSL',
    '-X',
    `ssl.ca.location=${file('server.pem')}`,
    ...id,
    '-m',
    '3',
    '-L',
    '-J',
  ])
  return (JSON.parse(stdout) as { topics: { topic: string }[] }).topics.map((t) => t.topic).sort()
}

const kafka = (cert: string | null): Kafka =>
  new Kafka({
    clientId: `mtls-${cert ?? 'none'}`,
    brokers: [(broker as RunningBroker).bootstrap],
    ssl: {
      ca: [fs.readFileSync(file('server.pem'), 'utf8')],
      ...(cert
        ? {
            cert: fs.readFileSync(file(`${cert}.pem`), 'utf8'),
            key: fs.readFileSync(file(`${cert}.key`), 'utf8'),
          }
        : {}),
    },
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
    connectionTimeout: 5000,
  })

/** As the admin certificate (a super user): creates the topics and ALLOW ACLs for `principal`. */
async function setUp(
  topics: string[],
  acls: { principal: string; topic: string; operation: number }[],
): Promise<void> {
  const admin = kafka('admin').admin()
  await admin.connect()
  await admin.createTopics({ topics: topics.map((topic) => ({ topic })) })
  await admin.createAcls({
    acl: acls.map((a) => ({
      resourceType: 2, // TOPIC
      resourceName: a.topic,
      resourcePatternType: 3, // LITERAL
      principal: a.principal,
      host: '*',
      operation: a.operation,
      permissionType: 3, // ALLOW
    })),
  } as unknown as Parameters<Admin['createAcls']>[0])
  await admin.disconnect()
}

const WRITE = 4
const DESCRIBE = 8

describe('ssl.client.auth=required', () => {
  it('a trusted certificate connects and its subject is the principal the ACLs see', async () => {
    broker = await startBroker({
      config: config({
        'ssl.client.auth': 'required',
        'ssl.truststore.type': 'PEM',
        'ssl.truststore.location': file('ca.pem'),
        'super.users': 'User:CN=admin,O=acme',
      }),
    })
    await setUp(['t', 'u'], [{ principal: 'User:CN=Alice,OU=dev,O=acme', topic: 't', operation: WRITE }])
    expect(await topicsSeenBy('alice')).toEqual(['t'])
    expect(await topicsSeenBy('bob')).toEqual([])

    const alice = kafka('alice').producer()
    await alice.connect()
    await alice.send({ topic: 't', messages: [{ value: 'hi' }] })
    await alice.disconnect()
    const bob = kafka('bob').producer()
    await bob.connect()
    await expect(bob.send({ topic: 't', messages: [{ value: 'no' }] })).rejects.toThrow(/authoriz/i)
    await bob.disconnect()
  })

  it('no certificate, or one the trust store does not vouch for, gets no connection', async () => {
    broker = await startBroker({
      config: config({
        'ssl.client.auth': 'required',
        // Inline PEM, the other way Kafka takes a PEM trust store.
        'ssl.truststore.certificates': fs.readFileSync(file('ca.pem'), 'utf8'),
        'super.users': 'User:CN=admin,O=acme',
      }),
    })
    expect(await topicsSeenBy('admin')).toContain('__consumer_offsets')
    await expect(topicsSeenBy(null)).rejects.toThrow()
    await expect(topicsSeenBy('mallory')).rejects.toThrow()
    const anonymous = kafka(null).admin()
    await expect(anonymous.connect().then(() => anonymous.listTopics())).rejects.toThrow()
    await anonymous.disconnect()
  })
})

describe('ssl.client.auth=requested', () => {
  it('no certificate is User:ANONYMOUS; a mapping rule turns the subject into the lower-case CN', async () => {
    broker = await startBroker({
      config: config({
        // Per-listener forms, as for the other ssl.* configs.
        'listener.name.ssl.ssl.client.auth': 'requested',
        'listener.name.ssl.ssl.truststore.location': file('ca.pem'),
        'listener.name.ssl.ssl.principal.mapping.rules': 'RULE:^CN=(.*?),.*$/$1/L,DEFAULT',
        'super.users': 'User:admin',
      }),
    })
    await setUp(
      ['a', 'anon', 'b'],
      [
        { principal: 'User:alice', topic: 'a', operation: DESCRIBE },
        { principal: 'User:ANONYMOUS', topic: 'anon', operation: DESCRIBE },
      ],
    )
    expect(await topicsSeenBy(null)).toEqual(['anon'])
    expect(await topicsSeenBy('alice')).toEqual(['a'])
    expect(await topicsSeenBy('bob')).toEqual([])
    // Presenting an untrusted certificate is refused even where a certificate is optional.
    await expect(topicsSeenBy('mallory')).rejects.toThrow()
  })
})

describe('SASL_SSL with ssl.client.auth=required', () => {
  it('needs a trusted certificate, but the SASL identity is the principal', async () => {
    broker = await startBroker({
      config: config({
        listeners: 'SASL_SSL://127.0.0.1:0',
        'ssl.client.auth': 'required',
        'ssl.truststore.location': file('ca.pem'),
        'listener.name.sasl_ssl.plain.sasl.jaas.config':
          'org.apache.kafka.common.security.plain.PlainLoginModule required user_carol="carol-secret";',
        // Only the SASL user is a super user: with the certificate as principal, CreateTopics would be refused.
        'super.users': 'User:carol',
      }),
    })
    const sasl = new Kafka({
      clientId: 'mtls-sasl',
      brokers: [broker.bootstrap],
      ssl: {
        ca: [fs.readFileSync(file('server.pem'), 'utf8')],
        cert: fs.readFileSync(file('alice.pem'), 'utf8'),
        key: fs.readFileSync(file('alice.key'), 'utf8'),
      },
      sasl: { mechanism: 'plain', username: 'carol', password: 'carol-secret' },
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    })
    const admin = sasl.admin()
    await admin.connect()
    await admin.createTopics({ topics: [{ topic: 'c' }] })
    expect(await admin.listTopics()).toContain('c')
    await admin.disconnect()
    // Without a certificate the handshake fails before SASL starts.
    await expect(
      run('kcat', [
        '-b',
        broker.bootstrap,
        ...['-X', 'security.protocol=SASL_SSL', '-X', `ssl.ca.location=${file('server.pem')}`],
        ...['-X', 'sasl.mechanisms=PLAIN', '-X', 'sasl.username=carol', '-X', 'sasl.password=carol-secret'],
        ...['-m', '3', '-L'],
      ]),
    ).rejects.toThrow()
  })
})

describe('bad client-auth configs refuse to start', () => {
  const refused = async (extra: Record<string, string>): Promise<string> => {
    try {
      broker = await startBroker({ config: config(extra) })
    } catch (err) {
      return (err as Error).message
    }
    throw new Error('broker started')
  }

  it('names the problem', async () => {
    expect(await refused({ 'ssl.client.auth': 'required' })).toMatch(
      /ssl.client.auth=required needs ssl.truststore/,
    )
    expect(
      await refused({ 'ssl.client.auth': 'required', 'ssl.truststore.location': file('missing.pem') }),
    ).toMatch(/cannot read ssl.truststore.location/)
    expect(await refused({ 'ssl.truststore.location': file('server.key') })).toMatch(
      /holds no PEM certificate/,
    )
    expect(await refused({ 'ssl.principal.mapping.rules': 'RULE:^CN=(.*?)/$1' })).toMatch(/invalid rule/)
    expect(await refused({ 'ssl.client.auth': 'sometimes' })).toMatch(/ssl.client.auth/)
  })
})
