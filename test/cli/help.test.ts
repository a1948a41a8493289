// Every admin command answers --help (exit 0) with its usage, options and examples, without connecting.
import { describe, expect, it } from 'vitest'
import { cli } from './cli-process.ts'

const COMMANDS = [
  ['topic'],
  ['topic', 'create'],
  ['produce'],
  ['consume'],
  ['group'],
  ['quota'],
  ['acl'],
  ['user'],
  ['dump-log'],
  ['console'],
]

describe('strata <command> --help', () => {
  it('prints usage and examples for every command', async () => {
    const results = await Promise.all(COMMANDS.map((c) => cli([...c, '--help'])))
    results.forEach((r, i) => {
      const name = (COMMANDS[i] as string[])[0] as string
      expect(r.code, r.stderr).toBe(0)
      expect(r.stdout).toMatch(new RegExp(`^usage: strata ${name}`))
      expect(r.stdout).toContain('examples:')
      expect(r.stdout).toContain('--help')
      if (name !== 'dump-log' && name !== 'console') expect(r.stdout).toContain('--bootstrap-server')
    })
  })

  it('lists the commands in the top-level help', async () => {
    const r = await cli(['--help'])
    expect(r.code).toBe(0)
    for (const name of ['topic', 'produce', 'consume', 'group', 'quota', 'acl', 'user', 'dump-log'])
      expect(r.stdout).toContain(`  ${name} `)
  })
})
