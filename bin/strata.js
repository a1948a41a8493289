#!/usr/bin/env -S node --min-semi-space-size=16
/* global process */
// Launcher for the `strata` command. The CLI is TypeScript: it runs the bundle that `npm install` and
// `npm run build` write to out/cli/ (scripts/build-cli.ts) while no source file in it is newer than it, and
// otherwise the sources through Node's type stripping (Node >= 22.18), so an edit takes effect at once.
// When `npx strata` starts an older system node, re-run this file with the project's own Node (the `node`
// dev dependency), passing arguments, stdio, signals and the exit code through.
// Start-up time matters here (the broker's target is 3x a bare Node start): only cheap built-ins load
// before the command runs, and V8's compile cache (os.tmpdir()/node-compile-cache unless
// NODE_COMPILE_CACHE says otherwise) spares recompiling the bundle and its packages at each start.
// The shebang's V8 flag gives the young generation 16 MiB semi-spaces: with V8's small default, a broker
// under load promotes its in-flight requests and runs a mark-compact every second, which set its latency
// tail (docs/performance.md, "Latency tail"). Node refuses it in NODE_OPTIONS, so it is a command-line
// flag: run `node --min-semi-space-size=16 bin/strata.js broker` when not running this file directly.
import { existsSync, readFileSync, statSync } from 'node:fs'
import module from 'node:module'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.join(here, '..')

/**
 * The bundled CLI, or null when it is missing, older than one of the source files it was built from
 * (out/cli/inputs.json), or STRATA_SOURCES=1 asks for sources. STRATA_SOURCES=0 takes the bundle even when
 * a source is newer (the benchmarks, which bundle once while others may be editing). Start-up only, so
 * synchronous.
 */
function freshBundle() {
  if (process.env.STRATA_SOURCES === '1') return null
  const dir = path.join(root, 'out', 'cli')
  const bundle = path.join(dir, 'main.js')
  try {
    const built = statSync(bundle).mtimeMs
    if (process.env.STRATA_SOURCES === '0') return bundle
    const inputs = JSON.parse(readFileSync(path.join(dir, 'inputs.json'), 'utf8'))
    for (const file of inputs) if (statSync(path.join(root, file)).mtimeMs > built) return null
  } catch {
    // Missing bundle or list, or a source file gone since the build: the sources are the truth.
    return null
  }
  return bundle
}

if (process.features.typescript) {
  module.enableCompileCache?.()
  const bundle = freshBundle()
  const { main } = await import(bundle ? pathToFileURL(bundle).href : '../broker/cli/main.ts')
  process.exitCode = await main(process.argv.slice(2))
} else {
  const bundled = path.join(
    here,
    '..',
    'node_modules',
    'node',
    'bin',
    process.platform === 'win32' ? 'node.exe' : 'node',
  )
  if (!existsSync(bundled) || process.env.STRATA_REEXEC === '1') {
    process.stderr.write(
      `strata needs Node.js 22.18 or newer (this is ${process.version}); run npm install first\n`,
    )
    process.exit(1)
  }
  // Own process group: a terminal's Ctrl+C reaches only this launcher, which forwards it once.
  const { spawn } = await import('node:child_process')
  const child = spawn(
    bundled,
    [...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: 'inherit',
      detached: process.platform !== 'win32',
      env: { ...process.env, STRATA_REEXEC: '1' },
    },
  )
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(sig, () => child.kill(sig))
  }
  child.on('error', (err) => {
    process.stderr.write(`strata: cannot start ${bundled}: ${err.message}\n`)
    process.exit(1)
  })
  child.on('exit', (code, signal) => {
    if (signal) {
      process.removeAllListeners(signal)
      process.kill(process.pid, signal)
    } else {
      process.exit(code ?? 1)
    }
  })
}
