// Option parsing shared by the admin commands (node:util parseArgs): the connection options every command
// takes (--bootstrap-server, SASL, TLS), --output, --help, and how a command's failures become exit codes.
import { readFileSync } from 'node:fs'
import { parseArgs, type ParseArgsOptionsConfig } from 'node:util'
import type { ClusterClient } from '../client/cluster-client.ts'
import { AdminError, toAdminError } from '../client/errors.ts'
import type { ConnectionConfig, SaslMechanism } from '../client/types.ts'
import { installPipeGuard, type OutputMode } from './output.ts'

export const DEFAULT_BOOTSTRAP = '127.0.0.1:9092'
const SASL_MECHANISMS: SaslMechanism[] = ['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']

/** A mistake in the command line itself: exit code 2 and the command's help. */
export class UsageError extends Error {}

export const CONNECTION_OPTIONS = {
  'bootstrap-server': { type: 'string', short: 'b' },
  'sasl-mechanism': { type: 'string' },
  'sasl-username': { type: 'string' },
  'sasl-password': { type: 'string' },
  tls: { type: 'boolean', default: false },
  'tls-ca': { type: 'string' },
  'tls-insecure': { type: 'boolean', default: false },
  'tls-server-name': { type: 'string' },
  output: { type: 'string', short: 'o', default: 'table' },
  help: { type: 'boolean', short: 'h', default: false },
} as const satisfies ParseArgsOptionsConfig

export const CONNECTION_HELP = `connection options (every command):
  -b, --bootstrap-server <host:port[,...]>  brokers to connect to (default $STRATA_BOOTSTRAP_SERVER or ${DEFAULT_BOOTSTRAP})
  --sasl-mechanism <PLAIN|SCRAM-SHA-256|SCRAM-SHA-512>
  --sasl-username <name>
  --sasl-password <secret>                  or set $STRATA_SASL_PASSWORD (keeps it out of the process list)
  --tls                                     connect with TLS
  --tls-ca <file>                           PEM file with the CA certificate(s) to trust
  --tls-insecure                            do not verify the broker's certificate
  --tls-server-name <name>                  server name for SNI and certificate checks
  -o, --output <table|json>                 json: one JSON document on stdout, for scripts
  -h, --help                                show this help`

type ConnectionValues = {
  'bootstrap-server'?: string | undefined
  'sasl-mechanism'?: string | undefined
  'sasl-username'?: string | undefined
  'sasl-password'?: string | undefined
  tls?: boolean | undefined
  'tls-ca'?: string | undefined
  'tls-insecure'?: boolean | undefined
  'tls-server-name'?: string | undefined
  output?: string | undefined
}

/** parseArgs with the connection options added; unknown options and bad values become UsageErrors. */
export function parseCommandArgs<T extends ParseArgsOptionsConfig>(argv: string[], options: T) {
  const all: ParseArgsOptionsConfig = { ...CONNECTION_OPTIONS, ...options }
  // parseArgs refuses `--shift-by -10` as ambiguous; a negative number after a valued option is its value.
  const args: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    const next = argv[i + 1]
    const valued = a.startsWith('--') && all[a.slice(2)]?.type === 'string'
    if (valued && next !== undefined && /^-\d+$/.test(next)) {
      args.push(`${a}=${next}`)
      i++
    } else args.push(a)
  }
  try {
    return parseArgs({
      args,
      options: { ...CONNECTION_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    })
  } catch (error) {
    throw new UsageError((error as Error).message.replace(/\s*\n\s*/g, ' '))
  }
}

export function outputMode(values: ConnectionValues): OutputMode {
  const mode = values.output ?? 'table'
  if (mode !== 'table' && mode !== 'json')
    throw new UsageError(`--output must be table or json, got '${mode}'`)
  return mode
}

/** The Kafka client's modules, loaded on first use: --help, usage errors and dump-log never pay for them. */
async function kafkaModules() {
  const [{ ClusterClient }, connections] = await Promise.all([
    import('../client/cluster-client.ts'),
    import('../client/connections.ts'),
  ])
  return { ClusterClient, ...connections }
}

export async function bootstrapOf(values: ConnectionValues): Promise<string[]> {
  const { parseBootstrap } = await kafkaModules()
  const raw = values['bootstrap-server'] ?? process.env.STRATA_BOOTSTRAP_SERVER ?? DEFAULT_BOOTSTRAP
  const list = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  if (list.length === 0) throw new UsageError('--bootstrap-server must not be empty')
  for (const address of list)
    if (!parseBootstrap(address))
      throw new UsageError(`--bootstrap-server expects host:port, got '${address}'`)
  return list
}

/** The Kafka client for the connection options; the caller closes it. */
export async function clientFrom(values: ConnectionValues): Promise<ClusterClient> {
  const bootstrap = await bootstrapOf(values)
  let sasl: ConnectionConfig['sasl'] = null
  const mechanism = values['sasl-mechanism']
  if (mechanism !== undefined) {
    const upper = mechanism.toUpperCase() as SaslMechanism
    if (!SASL_MECHANISMS.includes(upper))
      throw new UsageError(
        `--sasl-mechanism must be one of ${SASL_MECHANISMS.join(', ')}, got '${mechanism}'`,
      )
    if (values['sasl-username'] === undefined) throw new UsageError('--sasl-mechanism needs --sasl-username')
    sasl = { mechanism: upper, username: values['sasl-username'] }
  } else if (values['sasl-username'] !== undefined) {
    throw new UsageError('--sasl-username needs --sasl-mechanism')
  }
  const password = values['sasl-password'] ?? process.env.STRATA_SASL_PASSWORD ?? null
  const wantsTls =
    values.tls === true ||
    values['tls-ca'] !== undefined ||
    values['tls-insecure'] === true ||
    values['tls-server-name'] !== undefined
  let caPem: string | null = null
  if (values['tls-ca'] !== undefined) {
    try {
      caPem = readFileSync(values['tls-ca'], 'utf8')
    } catch (error) {
      throw new UsageError(`--tls-ca: cannot read ${values['tls-ca']}: ${(error as Error).message}`)
    }
  }
  const config: ConnectionConfig = {
    id: 'cli',
    name: 'cli',
    bootstrap,
    sasl,
    tls: wantsTls
      ? {
          enabled: true,
          caPem,
          rejectUnauthorized: values['tls-insecure'] !== true,
          serverName: values['tls-server-name'] ?? null,
        }
      : null,
  }
  const { ClusterClient } = await kafkaModules()
  return new ClusterClient(config, { password })
}

export function parseIntArg(
  name: string,
  raw: string | undefined,
  min: number,
  max = 2 ** 31 - 1,
): number | undefined {
  if (raw === undefined) return undefined
  if (!/^-?\d+$/.test(raw.trim())) throw new UsageError(`--${name} must be an integer, got '${raw}'`)
  const n = Number(raw)
  if (n < min || n > max) throw new UsageError(`--${name} must be from ${min} to ${max}, got ${raw}`)
  return n
}

/** Parses repeated key=value options into a record. */
export function parseKeyValues(name: string, list: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {}
  for (const kv of list ?? []) {
    const eq = kv.indexOf('=')
    if (eq <= 0) throw new UsageError(`--${name} expects key=value, got '${kv}'`)
    out[kv.slice(0, eq).trim()] = kv.slice(eq + 1)
  }
  return out
}

/** A one-line reason for a failure, saying which stage of reaching the cluster failed when it is that. */
export async function describeFailure(
  error: unknown,
  context: { bootstrap: string; sasl: boolean; tls: boolean },
): Promise<string> {
  const e = error instanceof AdminError ? error : toAdminError(error)
  const text = e.message.replace(/\s+/g, ' ').trim()
  const where = context.bootstrap
  if (e.code === 'connection' || e.code === 'timeout' || e.code === 'not-authorized') {
    const { stage } = (await kafkaModules()).classifyConnectionError(e)
    if (stage === 'dns' || /ENOTFOUND|EAI_AGAIN/.test(text)) return `cannot resolve ${where}: ${text}`
    if (stage === 'refused') return `cannot connect to ${where}: ${text}`
    if (stage === 'tls' || (context.tls && /disconnected|closed|reset/i.test(text)))
      return `TLS connection to ${where} failed (is TLS enabled on that listener?): ${text}`
    // A broker without SASL on the listener just drops the connection when the handshake starts.
    if (stage === 'auth' || (context.sasl && /closed|reset/i.test(text)))
      return `authentication to ${where} failed: ${text}`
    if (e.code === 'not-authorized') return `not authorized: ${text}`
    if (stage === 'timeout') return `timed out talking to ${where}: ${text}`
    return `cannot connect to ${where}: ${text}`
  }
  if (e.code === 'unsupported') return `the cluster does not support this operation: ${text}`
  return text
}

/** The bootstrap list as typed, for error messages (the options may not have parsed). */
function bootstrapFromArgv(argv: string[]): string {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    if ((a === '--bootstrap-server' || a === '-b') && argv[i + 1] !== undefined) return argv[i + 1] as string
    if (a.startsWith('--bootstrap-server=')) return a.slice('--bootstrap-server='.length)
  }
  return process.env.STRATA_BOOTSTRAP_SERVER ?? DEFAULT_BOOTSTRAP
}

/**
 * Runs one command: --help prints the help (exit 0), a UsageError prints the reason and the help (exit 2),
 * any other failure prints one line `strata <name>: <reason>` (exit 1).
 */
export async function runCommand(
  name: string,
  help: string,
  argv: string[],
  body: (argv: string[]) => Promise<number>,
): Promise<number> {
  installPipeGuard()
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(help)
    return 0
  }
  try {
    return await body(argv)
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`strata ${name}: ${error.message}\n\n${help}`)
      return 2
    }
    const context = {
      bootstrap: bootstrapFromArgv(argv),
      sasl: argv.some((a) => a.startsWith('--sasl-mechanism')),
      tls: argv.some((a) => a === '--tls' || a.startsWith('--tls-')),
    }
    process.stderr.write(`strata ${name}: ${await describeFailure(error, context)}\n`)
    return 1
  }
}

/** Runs `fn` with a client for the parsed connection options, closing it afterwards. */
export async function withClient<T>(
  values: ConnectionValues,
  fn: (client: ClusterClient) => Promise<T>,
): Promise<T> {
  const client = await clientFrom(values)
  try {
    return await fn(client)
  } finally {
    await client.close()
  }
}
