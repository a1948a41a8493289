// `npm run web` (and later `strata console`): serves the built renderer and the contract on 127.0.0.1,
// starts the bundled broker as a child process, prints the URL with its token, and stops everything
// cleanly on Ctrl+C.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { fileURLToPath } from 'node:url'
import type { Events } from '../contract.ts'
import { createAppContext, type AppContext } from '../services/app-context.ts'
import { MemorySecretStore } from '../services/secret-store.ts'
import { childProcessSpawner } from '../supervisor/child-process-adapter.ts'
import { startWebServer, type WebServer } from './server.ts'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

const version = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string })
  .version

export interface WebModeOptions {
  port: number
  stateDir: string
  dataDir?: string
  brokerPort?: number | null
  staticDir?: string
  token?: string
  log?: (line: string) => void
}

export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env['XDG_CONFIG_HOME']
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(os.homedir(), '.config'), 'strata')
}

/** Builds the renderer when out/renderer is missing (a fresh checkout). */
export function ensureRendererBuilt(log: (line: string) => void): string {
  const dir = path.join(ROOT, 'out', 'renderer')
  if (existsSync(path.join(dir, 'index.html'))) return dir
  log('Building the renderer (out/renderer is missing)...')
  const result = spawnSync(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  )
  if (result.status !== 0 || !existsSync(path.join(dir, 'index.html')))
    throw new Error('Building the renderer failed; run `npm run build` to see why.')
  return dir
}

export async function startWebMode(
  options: WebModeOptions,
): Promise<{ server: WebServer; app: AppContext; stop(): Promise<void> }> {
  const log = options.log ?? ((line: string) => process.stdout.write(line + '\n'))
  const staticDir = options.staticDir ?? ensureRendererBuilt(log)
  let server: WebServer | null = null
  const brokerSettings: { dataDir?: string; port?: number | null } = {}
  if (options.dataDir !== undefined) brokerSettings.dataDir = options.dataDir
  if (options.brokerPort !== undefined) brokerSettings.port = options.brokerPort
  const app = await createAppContext({
    mode: 'web',
    version,
    stateDir: options.stateDir,
    spawn: childProcessSpawner(process.execPath),
    brokerEntry: path.join(ROOT, 'bin', 'strata.js'),
    brokerSettings,
    secrets: new MemorySecretStore(),
    emit: <E extends keyof Events>(event: E, payload: Events[E]) => server?.broadcast(event, payload),
  })
  server = await startWebServer({
    staticDir,
    dispatch: app.dispatch,
    port: options.port,
    ...(options.token ? { token: options.token } : {}),
    onIdle: () => void app.ctx.tails.stopAll(),
  })
  const running = server
  return {
    server: running,
    app,
    async stop() {
      await running.close()
      await app.shutdown()
    },
  }
}

async function cli(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string', default: '0' },
      'state-dir': { type: 'string' },
      'data-dir': { type: 'string' },
      'broker-port': { type: 'string' },
    },
  })
  const web = await startWebMode({
    port: Number(values.port),
    stateDir: values['state-dir'] ?? defaultStateDir(),
    ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
    ...(values['broker-port'] ? { brokerPort: Number(values['broker-port']) } : {}),
  })
  process.stdout.write(`Strata web console: ${web.server.url}\n`)
  process.stdout.write(
    'Passwords of saved connections are kept in memory only in web mode (not saved to disk).\n',
  )
  const status = await web.app.supervisor.start()
  if (status.state === 'running') process.stdout.write(`Bundled broker running on ${status.bootstrap}\n`)
  else
    process.stdout.write(
      `Bundled broker did not start: ${status.problem?.message ?? status.state} ${status.problem?.hint ?? ''}\n`,
    )
  let stopping = false
  const stop = (): void => {
    if (stopping) return
    stopping = true
    process.stdout.write('Stopping...\n')
    void web.stop().then(() => process.exit(0))
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url))
  await cli(process.argv.slice(2))
