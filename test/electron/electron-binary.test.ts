// Launches the real desktop app when the Electron binary is installed; skips (saying why) where it is
// not, as on machines that cannot download it.
import { spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const electronDir = path.resolve('node_modules/electron')
const pathFile = path.join(electronDir, 'path.txt')
const binary = existsSync(pathFile)
  ? path.join(electronDir, 'dist', readFileSync(pathFile, 'utf8').trim())
  : null
const built =
  existsSync(path.resolve('out/main/index.js')) && existsSync(path.resolve('out/preload/index.cjs'))
const reason =
  !binary || !existsSync(binary)
    ? 'the Electron binary is not installed (node_modules/electron/dist)'
    : !built
      ? 'the app is not built (npm run build)'
      : null

describe.skipIf(reason !== null)(`desktop app${reason ? ` (skipped: ${reason})` : ''}`, () => {
  it('starts, opens its window and exits cleanly when asked to quit', async () => {
    const child = spawn(binary!, [path.resolve('.'), '--no-sandbox'], {
      env: { ...process.env, ELECTRON_ENABLE_LOGGING: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        output += d.toString()
        if (output.includes('strata window ready')) resolve()
      })
      child.stderr.on('data', (d: Buffer) => (output += d.toString()))
      child.on('exit', (code) => reject(new Error(`Electron exited early (${code}):\n${output}`)))
    })
    child.kill('SIGTERM')
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)))
    expect(output).not.toMatch(/Uncaught|Error: Cannot find module/)
    expect(code === 0 || code === null).toBe(true)
  })
})
