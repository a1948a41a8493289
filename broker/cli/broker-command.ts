// `strata broker`: runs the broker in the foreground until SIGTERM/SIGINT.
// When it accepts connections it prints, with several listeners, one line per listener:
//   strata broker listener <NAME> <PROTOCOL> on <host>:<port>
// and then, always, exactly one ready line naming the first listener:
//   strata broker ready on <host>:<port> (data: <dir>)
// (the desktop supervisor and the tests parse them). Logs go to stderr as JSON lines.
import path from 'node:path'
import { parseArgs } from 'node:util'
import pino from 'pino'
import { startBroker } from '../server/broker.ts'
import { BrokerConfig, ConfigError } from '../server/config.ts'
import { ListenerConfigError, listenerSpecs } from '../server/listener-specs.ts'
import { defaultDataDir } from './data-dir.ts'

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']

const HELP = `usage: strata broker [options]

  --host <addr>          address to listen on (default 127.0.0.1)
  --port <n>             port to listen on, 0 = any free port (default 9092)
                         (--config listeners=PLAINTEXT://127.0.0.1:9092,SASL_SSL://127.0.0.1:9093
                         binds several listeners instead; see README, Listeners, SASL and TLS)
  --data-dir <dir>       data directory (default ${defaultDataDir()})
  --config <key=value>   broker config with Kafka's name, repeatable (e.g. num.partitions=3)
  --log-level <level>    ${LOG_LEVELS.join(', ')} (default info)
  --stop-on-stdin-close  stop cleanly when standard input closes (ties the broker to a parent process)
  -h, --help             show this help
`

class UsageError extends Error {}

/** Kafka configs that this command takes as flags instead. */
const FLAG_INSTEAD: Record<string, string> = {
  'log.dirs': '--data-dir',
  'log.dir': '--data-dir',
  port: '--port',
  'host.name': '--host',
}

interface BrokerFlags {
  host: string
  port: number
  dataDir: string
  config: BrokerConfig
  logLevel: string
  stopOnStdinClose: boolean
}

export function parseBrokerFlags(argv: string[]): BrokerFlags | 'help' {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        host: { type: 'string', default: '127.0.0.1' },
        port: { type: 'string', default: '9092' },
        'data-dir': { type: 'string' },
        config: { type: 'string', multiple: true, default: [] },
        'log-level': { type: 'string', default: 'info' },
        'stop-on-stdin-close': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }))
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  if (values.help) return 'help'
  if (!/^\d+$/.test(values.port) || Number(values.port) > 65535) {
    throw new UsageError(`--port must be a number from 0 to 65535, got '${values.port}'`)
  }
  if (!LOG_LEVELS.includes(values['log-level'])) {
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got '${values['log-level']}'`)
  }
  if (values.host.trim() === '') throw new UsageError('--host must not be empty')
  const entries: Record<string, string> = {}
  for (const kv of values.config) {
    const eq = kv.indexOf('=')
    if (eq <= 0) throw new UsageError(`--config expects key=value, got '${kv}'`)
    const hint = FLAG_INSTEAD[kv.slice(0, eq).trim()]
    if (hint) throw new UsageError(`--config ${kv.slice(0, eq).trim()} is set with ${hint} here`)
    entries[kv.slice(0, eq).trim()] = kv.slice(eq + 1)
  }
  let config: BrokerConfig
  try {
    config = new BrokerConfig(entries)
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(`invalid --config: ${err.message}`)
    throw err
  }
  const host = values.host.trim()
  const port = Number(values.port)
  try {
    listenerSpecs(config, { host, port })
  } catch (err) {
    if (err instanceof ListenerConfigError) throw new UsageError(`invalid --config: ${err.message}`)
    throw err
  }
  return {
    host,
    port,
    dataDir: path.resolve(values['data-dir'] ?? defaultDataDir()),
    config,
    logLevel: values['log-level'],
    stopOnStdinClose: values['stop-on-stdin-close'],
  }
}

export async function run(argv: string[]): Promise<number> {
  let flags: BrokerFlags | 'help'
  try {
    flags = parseBrokerFlags(argv)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    process.stderr.write(`strata broker: ${err.message}\n\n${HELP}`)
    return 2
  }
  if (flags === 'help') {
    process.stdout.write(HELP)
    return 0
  }
  const log = pino(
    { level: flags.logLevel, base: { pid: process.pid } },
    pino.destination({ dest: 2, sync: true }),
  )
  let broker
  try {
    broker = await startBroker({
      host: flags.host,
      port: flags.port,
      dataDir: flags.dataDir,
      config: flags.config,
      log,
    })
  } catch (err) {
    log.fatal({ err }, 'broker failed to start')
    process.stderr.write(`strata broker: cannot start: ${(err as Error).message}\n`)
    return 1
  }
  // Signal handlers go in before the ready line: whoever reads it may signal at once.
  const stopped = new Promise<number>((resolve) => {
    let stopping = false
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        log.warn({ signal }, 'second signal, exiting now')
        process.exit(130)
      }
      stopping = true
      log.info({ signal }, 'shutting down')
      broker
        .close()
        .then(
          () => {
            log.info('broker stopped')
            return 0
          },
          (err: unknown) => {
            log.error({ err }, 'unclean shutdown')
            return 1
          },
        )
        .then((code) => {
          // A watched stdin would keep the process alive after the broker has stopped.
          if (flags.stopOnStdinClose) process.stdin.destroy()
          resolve(code)
        })
    }
    process.on('SIGTERM', onSignal)
    process.on('SIGINT', onSignal)
    if (flags.stopOnStdinClose) {
      // A parent that dies (even by SIGKILL) closes our stdin: stop as if told to.
      // Only a first stop: during a shutdown already under way it must not count as a second signal.
      const parentGone = (): void => {
        if (!stopping) onSignal('SIGTERM')
      }
      process.stdin.on('end', parentGone)
      process.stdin.on('close', parentGone)
      process.stdin.on('error', parentGone)
      process.stdin.resume()
    }
  })
  const shown = (host: string, port: number): string => `${host.includes(':') ? `[${host}]` : host}:${port}`
  if (broker.listeners.length > 1) {
    for (const l of broker.listeners) {
      process.stdout.write(
        `strata broker listener ${l.name} ${l.securityProtocol} on ${shown(l.host, l.port)}\n`,
      )
    }
  }
  process.stdout.write(
    `strata broker ready on ${shown(broker.address.host, broker.address.port)} (data: ${flags.dataDir})\n`,
  )
  return stopped
}
