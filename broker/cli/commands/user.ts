// `strata user <list|describe|set|delete>`: SCRAM credentials, like kafka-configs.sh --entity-type users
// --add-config 'SCRAM-SHA-256=[iterations=8192,password=...]'. The password is salted here (PBKDF2) and
// never sent in clear.
import type {
  DescribeScramUsersResult,
  ScramDeletion,
  ScramMechanismName,
  ScramUpsertion,
} from '../../client/scram-users.ts'
import { MAX_ITERATIONS, SCRAM_MECHANISMS } from '../../security/scram.ts'
import {
  CONNECTION_HELP,
  UsageError,
  outputMode,
  parseCommandArgs,
  parseIntArg,
  runCommand,
  withClient,
} from '../args.ts'
import { formatTable, note, writeJson, writeOut } from '../output.ts'

// The broker's own mechanism table (no Kafka client import: --help and usage errors stay cheap).
const MECHANISMS = SCRAM_MECHANISMS.map((m) => m.name as ScramMechanismName)
const MIN_ITERATIONS = Math.max(...SCRAM_MECHANISMS.map((m) => m.minIterations))

const HELP = `usage: strata user <subcommand> [options]

SCRAM users: the credentials SASL/SCRAM-SHA-256 and SCRAM-SHA-512 listeners check passwords against.

subcommands:
  list                   every user with a SCRAM credential: mechanisms and iteration counts
  describe NAME...       the named users (exit code 1 when one has no credential)
  set NAME               create or replace the user's credential for each --mechanism
  delete NAME            remove the user's credential for each --mechanism

options:
  -m, --mechanism <SCRAM-SHA-256|SCRAM-SHA-512>   repeatable; required for set and delete
  --iterations <n>       PBKDF2 iterations for set, ${MIN_ITERATIONS} (the default) to ${MAX_ITERATIONS}
  --password <secret>    the new password for set (visible in the process list)
  --password-stdin       read the new password from the first line of stdin instead

The password is salted here (random salt, RFC 5802 PBKDF2); only the salted form reaches the broker.
'strata users' is the same command.

examples:
  echo "$ALICE_PASSWORD" | strata user set alice --mechanism SCRAM-SHA-256 --mechanism SCRAM-SHA-512 --password-stdin
  strata user set bob -m SCRAM-SHA-512 --iterations 8192 --password bob-secret
  strata user list --output json
  strata user describe alice bob
  strata user delete bob --mechanism SCRAM-SHA-512

${CONNECTION_HELP}
`

const MECHANISM_OPTION = { mechanism: { type: 'string', short: 'm', multiple: true } } as const

function mechanismsOf(raw: string[] | undefined): ScramMechanismName[] {
  if (!raw || raw.length === 0)
    throw new UsageError(`name the mechanism: --mechanism ${MECHANISMS.join(' or ')}`)
  const out: ScramMechanismName[] = []
  for (const r of raw) {
    const m = r.trim().toUpperCase().replace(/_/g, '-') as ScramMechanismName
    if (!MECHANISMS.includes(m))
      throw new UsageError(`--mechanism must be ${MECHANISMS.join(' or ')}, got '${r}'`)
    if (!out.includes(m)) out.push(m)
  }
  return out
}

function oneName(positionals: string[]): string {
  if (positionals.length === 0) throw new UsageError('name the user')
  if (positionals.length > 1) throw new UsageError(`unexpected argument '${positionals[1]}'`)
  const name = positionals[0] as string
  if (name === '') throw new UsageError('the user name must not be empty')
  return name
}

/** The first line of stdin: a person typing at a terminal need not end the input with Ctrl+D. */
async function firstLineOfStdin(): Promise<string> {
  const { createInterface } = await import('node:readline')
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false })
  try {
    for await (const line of lines) return line
    return ''
  } finally {
    lines.close()
    process.stdin.pause()
  }
}

/** The password from --password or the first line of stdin (its line ending dropped). */
async function passwordOf(values: {
  password?: string | undefined
  'password-stdin': boolean
}): Promise<string> {
  if (values.password !== undefined && values['password-stdin'])
    throw new UsageError('use either --password or --password-stdin')
  let password: string
  if (values.password !== undefined) password = values.password
  else if (values['password-stdin']) {
    password = await firstLineOfStdin()
  } else throw new UsageError('set needs --password or --password-stdin')
  if (password === '') throw new UsageError('the password must not be empty')
  return password
}

function printUsers(result: DescribeScramUsersResult, json: boolean): void {
  if (json) writeJson(result.users)
  else
    writeOut(
      formatTable(
        ['USER', 'MECHANISM', 'ITERATIONS'],
        result.users.flatMap((u) => u.credentials.map((c) => [u.user, c.mechanism, c.iterations])),
      ),
    )
}

async function list(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {})
  const mode = outputMode(values)
  if (positionals.length > 0) throw new UsageError(`unexpected argument '${positionals[0]}'`)
  const { describeScramUsers } = await import('../../client/scram-users.ts')
  return withClient(values, async (client) => {
    const result = await describeScramUsers(client, null)
    printUsers(result, mode === 'json')
    if (mode === 'table' && result.users.length === 0) note('No SCRAM users.')
    return 0
  })
}

async function describe(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {})
  const mode = outputMode(values)
  if (positionals.length === 0) throw new UsageError('name at least one user (or use list)')
  if (positionals.includes('')) throw new UsageError('the user name must not be empty')
  const { describeScramUsers } = await import('../../client/scram-users.ts')
  return withClient(values, async (client) => {
    const result = await describeScramUsers(client, [...new Set(positionals)])
    printUsers(result, mode === 'json')
    for (const f of result.failed) note(`strata user: ${f.error.message}`)
    return result.failed.length > 0 ? 1 : 0
  })
}

async function set(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, {
    ...MECHANISM_OPTION,
    iterations: { type: 'string' },
    password: { type: 'string' },
    'password-stdin': { type: 'boolean', default: false },
  })
  const mode = outputMode(values)
  const user = oneName(positionals)
  const mechanisms = mechanismsOf(values.mechanism)
  const iterations =
    parseIntArg('iterations', values.iterations, MIN_ITERATIONS, MAX_ITERATIONS) ?? MIN_ITERATIONS
  const password = await passwordOf(values)
  const upsertions: ScramUpsertion[] = mechanisms.map((mechanism) => ({
    user,
    mechanism,
    iterations,
    password,
  }))
  const { alterScramCredentials } = await import('../../client/scram-users.ts')
  return withClient(values, async (client) => {
    await alterScramCredentials(client, { upsertions, deletions: [] })
    if (mode === 'json') writeJson({ user, mechanisms, iterations })
    else writeOut(`Set ${mechanisms.join(', ')} for user '${user}' (${iterations} iterations).\n`)
    return 0
  })
}

async function remove(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, MECHANISM_OPTION)
  const mode = outputMode(values)
  const user = oneName(positionals)
  const mechanisms = mechanismsOf(values.mechanism)
  const deletions: ScramDeletion[] = mechanisms.map((mechanism) => ({ user, mechanism }))
  const { alterScramCredentials } = await import('../../client/scram-users.ts')
  return withClient(values, async (client) => {
    await alterScramCredentials(client, { upsertions: [], deletions })
    if (mode === 'json') writeJson({ user, deleted: mechanisms })
    else writeOut(`Deleted ${mechanisms.join(', ')} for user '${user}'.\n`)
    return 0
  })
}

const SUBCOMMANDS: Record<string, (argv: string[]) => Promise<number>> = {
  list,
  describe,
  set,
  delete: remove,
}

export function run(argv: string[]): Promise<number> {
  return runCommand('user', HELP, argv, async ([sub, ...rest]) => {
    const handler = sub === undefined ? undefined : SUBCOMMANDS[sub]
    if (!handler)
      throw new UsageError(sub === undefined ? 'missing subcommand' : `unknown subcommand '${sub}'`)
    return handler(rest)
  })
}
