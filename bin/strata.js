#!/usr/bin/env node
/* global process */
// Launcher for the `strata` command. The CLI is TypeScript run by Node's type stripping (Node >= 22.18);
// when `npx strata` starts an older system node, re-run this file with the project's own Node (the `node`
// dev dependency), passing arguments, stdio, signals and the exit code through.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))

if (process.features.typescript) {
  const { main } = await import('../broker/cli/main.ts')
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
