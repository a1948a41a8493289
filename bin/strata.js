#!/usr/bin/env node
/* global process */
// Launcher for the `strata` command. The CLI is TypeScript: it runs the bundle that `npm install` and
// `npm run build` write to out/cli/ (scripts/build-cli.ts) while no source file is newer than it, and
// otherwise the sources through Node's type stripping (Node >= 22.18), so an edit takes effect at once.
// When `npx strata` starts an older system node, re-run this file with the project's own Node (the `node`
// dev dependency), passing arguments, stdio, signals and the exit code through.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.join(here, '..')

/** True when a .ts file under `dir` changed after `time` (ms). Start-up only, so synchronous. */
function changedSince(dir, time) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name)
    if (
      entry.isDirectory()
        ? changedSince(file, time)
        : entry.name.endsWith('.ts') && statSync(file).mtimeMs > time
    )
      return true
  }
  return false
}

/** The bundled CLI, or null when it is missing, older than a source, or STRATA_SOURCES=1 asks for sources. */
function freshBundle() {
  if (process.env.STRATA_SOURCES === '1') return null
  const bundle = path.join(root, 'out', 'cli', 'main.js')
  let built
  try {
    built = statSync(bundle).mtimeMs
  } catch {
    return null
  }
  return changedSince(path.join(root, 'broker'), built) || changedSince(path.join(root, 'electron'), built)
    ? null
    : bundle
}

if (process.features.typescript) {
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
  const child = spawn(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    detached: process.platform !== 'win32',
    env: { ...process.env, STRATA_REEXEC: '1' },
  })
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
