// `npm start`: build, then run the desktop app when the Electron binary is there. Without it, try its
// installer once; if that fails (no network), say so in one line and start the web console instead.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const electronDir = path.join(root, 'node_modules', 'electron')

function electronBinary(): string | null {
  const pathFile = path.join(electronDir, 'path.txt')
  if (!existsSync(path.join(electronDir, 'dist')) || !existsSync(pathFile)) return null
  const binary = path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim())
  return existsSync(binary) ? binary : null
}

function run(command: string, args: string[]): Promise<number> {
  const child = spawn(command, args, { cwd: root, stdio: 'inherit' })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal))
  return new Promise((resolve) => child.on('exit', (code) => resolve(code ?? 1)))
}

const build = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'), 'build'],
  {
    cwd: root,
    stdio: 'inherit',
  },
)
if (build.status !== 0) process.exit(build.status ?? 1)

let binary = electronBinary()
if (!binary) {
  const install = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], {
    cwd: electronDir,
    stdio: 'ignore',
    timeout: 120_000,
  })
  if (install.status === 0) binary = electronBinary()
}

if (binary) {
  process.exitCode = await run(binary, [root])
} else {
  process.stdout.write(
    'The Electron binary is not installed and could not be downloaded: starting the web console instead.\n',
  )
  process.exitCode = await run(process.execPath, [path.join(root, 'electron', 'web', 'main.ts')])
}
