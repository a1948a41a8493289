// `strata console`: the desktop console in web mode (electron/web): serves the console on 127.0.0.1 with a
// per-run token, starts the bundled broker, and stops both on Ctrl-C.
import { UsageError, parseIntArg, runCommand } from '../args.ts'
import { note } from '../output.ts'

const HELP = `usage: strata console [options]

Runs the Strata console in your browser (web mode) with the bundled broker. Open the printed URL; it
carries a token that only this run accepts. Ctrl-C stops the console and the broker.

options:
  --port <n>            port of the console's web server on 127.0.0.1 (default: any free port)
  --broker-port <n>     port of the bundled broker (default 9092 when free, else any free port)
  --data-dir <dir>      the bundled broker's data directory (default: under the state directory)
  --state-dir <dir>     where saved connections and settings live (default ~/.config/strata)
  -h, --help            show this help

examples:
  strata console
  strata console --port 8080 --broker-port 19092 --data-dir /tmp/strata-data
`

export function run(argv: string[]): Promise<number> {
  return runCommand('console', HELP, argv, async (args) => {
    const { parseArgs } = await import('node:util')
    let parsed
    try {
      parsed = parseArgs({
        args,
        allowPositionals: false,
        strict: true,
        options: {
          port: { type: 'string', default: '0' },
          'broker-port': { type: 'string' },
          'data-dir': { type: 'string' },
          'state-dir': { type: 'string' },
        },
      })
    } catch (error) {
      throw new UsageError((error as Error).message)
    }
    const { values } = parsed
    const port = parseIntArg('port', values.port, 0, 65535) as number
    const brokerPort = parseIntArg('broker-port', values['broker-port'], 0, 65535)
    // Loaded only here: web mode pulls in the whole app back end.
    const { defaultStateDir, startWebMode } = await import('../../../electron/web/main.ts')
    const web = await startWebMode({
      port,
      stateDir: values['state-dir'] ?? defaultStateDir(),
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      ...(brokerPort !== undefined ? { brokerPort } : {}),
    })
    process.stdout.write(`Strata web console: ${web.server.url}\n`)
    const status = await web.app.supervisor.start()
    if (status.state === 'running') process.stdout.write(`Bundled broker running on ${status.bootstrap}\n`)
    else
      note(
        `Bundled broker did not start: ${status.problem?.message ?? status.state} ${status.problem?.hint ?? ''}`,
      )
    await new Promise<void>((resolve) => {
      process.once('SIGINT', () => resolve())
      process.once('SIGTERM', () => resolve())
    })
    note('Stopping...')
    await web.stop()
    // Nothing should be left running; if a handle lingers anyway, do not hang after Ctrl-C.
    setTimeout(() => process.exit(0), 2000).unref()
    return 0
  })
}
