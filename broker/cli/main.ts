// `strata <command> [flags]`: one entry per subcommand, loaded on demand so `strata broker` does not pay
// for the admin tools' imports.

interface Command {
  describe: string
  load: () => Promise<{ run(argv: string[]): Promise<number> }>
}

const COMMANDS: Record<string, Command> = {
  broker: { describe: 'run a Kafka-compatible broker', load: () => import('./broker-command.ts') },
  topic: { describe: 'manage topics and their configs', load: () => import('./commands/topic.ts') },
  produce: { describe: 'send lines of stdin or a file', load: () => import('./commands/produce.ts') },
  consume: { describe: 'print the records of a topic', load: () => import('./commands/consume.ts') },
  group: { describe: 'consumer groups and their offsets', load: () => import('./commands/group.ts') },
  quota: { describe: 'list, set and remove client quotas', load: () => import('./commands/quota.ts') },
  acl: { describe: 'list, create and delete ACLs', load: () => import('./commands/acl.ts') },
  user: { describe: 'list, set and delete SCRAM users', load: () => import('./commands/user.ts') },
  'dump-log': { describe: 'print segment files', load: () => import('./commands/dump-log.ts') },
  cert: { describe: 'make a self-signed TLS certificate', load: () => import('./commands/cert.ts') },
  console: { describe: 'the console in a browser', load: () => import('./commands/console.ts') },
}

/** Other names people type for a command (kafka-configs.sh says --entity-type users). */
const ALIASES: Record<string, string> = { users: 'user' }

function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)} ${c.describe}`)
  return `usage: strata <command> [options]\n\ncommands:\n${lines.join('\n')}\n\nRun 'strata <command> --help' for its options.\n`
}

/** Runs the command line; resolves with the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage())
    return name === undefined ? 1 : 0
  }
  const cmd = COMMANDS[ALIASES[name] ?? name]
  if (!cmd) {
    process.stderr.write(`strata: unknown command '${name}'\n\n${usage()}`)
    return 2
  }
  const mod = await cmd.load()
  return mod.run(rest)
}
