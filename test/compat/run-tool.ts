// Runs a command-line client (kcat, python3) to completion for compat tests: stdin in, stdout out.
import { spawn } from 'node:child_process'

export interface ToolResult {
  stdout: string
  stderr: string
}

export function runTool(
  cmd: string,
  args: readonly string[],
  input = '',
  timeoutMs = 60_000,
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d))
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d))
    child.once('error', reject)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolve({ stdout, stderr })
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}\n${stderr}`))
    })
    child.stdin.end(input)
  })
}
