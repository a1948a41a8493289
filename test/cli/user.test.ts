// `strata user ...` against a real broker process with a PLAINTEXT and a SASL_PLAINTEXT listener: credentials
// set by the command let kafkajs log in with SCRAM-SHA-256 and -512, list/describe show them, a wrong
// password is refused, delete removes them; bad command lines and broker refusals exit non-zero.
import { Kafka, logLevel, type SASLOptions } from 'kafkajs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startBroker, type BoundListener, type RunningBroker } from '../helpers/broker-process.ts'
import { cli, oneLine } from './cli-process.ts'

let broker: RunningBroker
let b: string[]
let sasl: BoundListener

beforeAll(async () => {
  broker = await startBroker({
    config: {
      listeners: 'PLAINTEXT://127.0.0.1:0,SASL_PLAINTEXT://127.0.0.1:0',
      // No failed-login delay: the wrong-password cases would wait for it.
      'connection.failed.authentication.delay.ms': '0',
    },
  })
  b = ['--bootstrap-server', broker.bootstrap]
  sasl = broker.listeners[1] as BoundListener
}, 120_000)
afterAll(async () => {
  await broker?.stop()
})

type Mechanism = 'scram-sha-256' | 'scram-sha-512'

/** Logs in on the SASL listener with kafkajs and asks for metadata; resolves true when that worked. */
async function canLogIn(mechanism: Mechanism, username: string, password: string): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'strata-user-test',
    brokers: [`${sasl.host}:${sasl.port}`],
    sasl: { mechanism, username, password } as SASLOptions,
    retry: { retries: 0 },
    connectionTimeout: 5000,
    logLevel: logLevel.NOTHING,
  })
  const admin = kafka.admin()
  try {
    await admin.connect()
    await admin.listTopics()
    return true
  } catch {
    return false
  } finally {
    await admin.disconnect()
  }
}

interface UserJson {
  user: string
  credentials: { mechanism: string; iterations: number }[]
}

describe('strata user', () => {
  it('sets SCRAM credentials that kafkajs logs in with, lists, describes and deletes them', async () => {
    const set256 = await cli(
      ['user', 'set', 'alice', '--mechanism', 'SCRAM-SHA-256', '--password', 'alice-secret', ...b],
      {},
    )
    expect(set256.code, set256.stderr).toBe(0)
    expect(set256.stdout).toContain("Set SCRAM-SHA-256 for user 'alice' (4096 iterations).")
    // `users` is the same command; the password from stdin loses its line ending.
    const set512 = await cli(
      ['users', 'set', 'alice', '-m', 'scram-sha-512', '--iterations', '8192', '--password-stdin', ...b],
      { input: 'alice-512\n' },
    )
    expect(set512.code, set512.stderr).toBe(0)

    expect(await canLogIn('scram-sha-256', 'alice', 'alice-secret')).toBe(true)
    expect(await canLogIn('scram-sha-512', 'alice', 'alice-512')).toBe(true)
    expect(await canLogIn('scram-sha-256', 'alice', 'wrong')).toBe(false)
    expect(await canLogIn('scram-sha-512', 'alice', 'alice-secret')).toBe(false)

    const listed = await cli(['user', 'list', ...b, '-o', 'json'])
    expect(listed.code, listed.stderr).toBe(0)
    expect(JSON.parse(listed.stdout) as UserJson[]).toContainEqual({
      user: 'alice',
      credentials: [
        { mechanism: 'SCRAM-SHA-256', iterations: 4096 },
        { mechanism: 'SCRAM-SHA-512', iterations: 8192 },
      ],
    })
    const table = await cli(['user', 'list', ...b])
    expect(table.stdout, table.stderr).toMatch(/^USER\s+MECHANISM\s+ITERATIONS$/m)
    expect(table.stdout).toMatch(/^alice\s+SCRAM-SHA-256\s+4096$/m)
    expect(table.stdout).toMatch(/^alice\s+SCRAM-SHA-512\s+8192$/m)

    // The command itself over the SASL listener, authenticated as the user it just made.
    const described = await cli([
      'user',
      'describe',
      'alice',
      '--bootstrap-server',
      `${sasl.host}:${sasl.port}`,
      '--sasl-mechanism',
      'SCRAM-SHA-512',
      '--sasl-username',
      'alice',
      '--sasl-password',
      'alice-512',
    ])
    expect(described.code, described.stderr).toBe(0)
    expect(described.stdout).toMatch(/^alice\s+SCRAM-SHA-256\s+4096$/m)

    const del = await cli(['user', 'delete', 'alice', '--mechanism', 'SCRAM-SHA-256', ...b])
    expect(del.code, del.stderr).toBe(0)
    expect(await canLogIn('scram-sha-256', 'alice', 'alice-secret')).toBe(false)
    expect(await canLogIn('scram-sha-512', 'alice', 'alice-512')).toBe(true)

    const again = await cli(['user', 'delete', 'alice', '--mechanism', 'SCRAM-SHA-256', ...b])
    expect(again.code).toBe(1)
    expect(oneLine(again.stderr)).toBe(true)
    expect(again.stderr.trim()).toBe("strata user: user 'alice' has no SCRAM-SHA-256 credential to delete")

    const last = await cli(['user', 'delete', 'alice', '-m', 'SCRAM-SHA-512', ...b])
    expect(last.code, last.stderr).toBe(0)
    expect(await canLogIn('scram-sha-512', 'alice', 'alice-512')).toBe(false)
    const after = await cli(['user', 'list', ...b, '-o', 'json'])
    expect((JSON.parse(after.stdout) as UserJson[]).map((u) => u.user)).not.toContain('alice')
  })

  it('describes the named users and says which have no credential (exit code 1)', async () => {
    const set = await cli(['user', 'set', 'bob', '-m', 'SCRAM-SHA-512', '--password', 'bob-secret', ...b])
    expect(set.code, set.stderr).toBe(0)
    const r = await cli(['user', 'describe', 'bob', 'nobody', ...b, '-o', 'json'])
    expect(r.code).toBe(1)
    expect(JSON.parse(r.stdout)).toEqual([
      { user: 'bob', credentials: [{ mechanism: 'SCRAM-SHA-512', iterations: 4096 }] },
    ])
    expect(r.stderr.trim()).toBe("strata user: user 'nobody' has no SCRAM credentials")
  })

  it('rejects bad command lines with exit code 2 and the reason', async () => {
    const cases: [string[], RegExp][] = [
      [['user', 'set', 'carol', '--mechanism', 'SCRAM-SHA-1', '--password', 'x'], /--mechanism must be/],
      [['user', 'set', 'carol', '--password', 'x'], /name the mechanism/],
      [
        ['user', 'set', 'carol', '-m', 'SCRAM-SHA-256', '--iterations', '4095', '--password', 'x'],
        /from 4096 to 16384/,
      ],
      [
        ['user', 'set', 'carol', '-m', 'SCRAM-SHA-256', '--iterations', '16385', '--password', 'x'],
        /from 4096 to 16384/,
      ],
      [
        ['user', 'set', 'carol', '-m', 'SCRAM-SHA-256', '--iterations', 'many', '--password', 'x'],
        /must be an integer/,
      ],
      [['user', 'set', '', '-m', 'SCRAM-SHA-256', '--password', 'x'], /user name must not be empty/],
      [['user', 'set', '-m', 'SCRAM-SHA-256', '--password', 'x'], /name the user/],
      [['user', 'set', 'carol', '-m', 'SCRAM-SHA-256', '--password', ''], /password must not be empty/],
      [['user', 'set', 'carol', '-m', 'SCRAM-SHA-256'], /needs --password or --password-stdin/],
      [['user', 'set', 'carol', '-m', 'SCRAM-SHA-256', '--password-stdin'], /password must not be empty/],
      [
        ['user', 'set', 'carol', '-m', 'SCRAM-SHA-256', '--password', 'x', '--password-stdin'],
        /either --password/,
      ],
      [['user', 'delete', 'carol'], /name the mechanism/],
      [['user', 'describe'], /name at least one user/],
      [['user', 'rename', 'carol'], /unknown subcommand 'rename'/],
    ]
    const results = await Promise.all(cases.map(([args]) => cli([...args, ...b], { input: '\n' })))
    results.forEach((r, i) => {
      const [args, reason] = cases[i] as [string[], RegExp]
      expect(r.code, args.join(' ')).toBe(2)
      expect(r.stderr).toMatch(reason)
      expect(r.stderr).toContain('usage: strata user')
    })
    const none = await cli(['user', 'list', ...b, '-o', 'json'])
    expect((JSON.parse(none.stdout) as UserJson[]).map((u) => u.user)).not.toContain('carol')
  })

  it('reports an unreachable cluster in one line', async () => {
    const r = await cli(['user', 'list', '--bootstrap-server', '127.0.0.1:1'])
    expect(r.code).toBe(1)
    expect(oneLine(r.stderr)).toBe(true)
    expect(r.stderr).toMatch(/^strata user: cannot connect to 127\.0\.0\.1:1/)
  })
})

describe('strata user against a broker with an authorizer', () => {
  it('says in one line that ALTER or DESCRIBE on the cluster is needed', async () => {
    const guarded = await startBroker({ config: { 'authorizer.class.name': 'strata' } })
    try {
      const g = ['--bootstrap-server', guarded.bootstrap]
      const [set, list] = await Promise.all([
        cli(['user', 'set', 'dave', '-m', 'SCRAM-SHA-256', '--password', 'dave-secret', ...g]),
        cli(['user', 'list', ...g]),
      ])
      for (const r of [set, list]) {
        expect(r.code).toBe(1)
        expect(oneLine(r.stderr)).toBe(true)
      }
      expect(set.stderr).toMatch(/^strata user: not authorized: .*ALTER on the cluster is needed/)
      expect(list.stderr).toMatch(/^strata user: not authorized: .*DESCRIBE on the cluster is needed/)
    } finally {
      await guarded.stop()
    }
  }, 60_000)
})
