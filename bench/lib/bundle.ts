// Builds the CLI (broker included) into plain JavaScript with rolldown, packages left external, so start-up
// can be measured without Node's per-module type stripping: the candidate fix for a slow start.
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'rolldown'

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)))

/** Builds into out/bench-bundle/ (inside the project, so packages resolve) and returns the entry file. */
export async function buildBrokerBundle(): Promise<string> {
  const dir = join(ROOT, 'out', 'bench-bundle')
  await build({
    input: join(ROOT, 'bench', 'lib', 'bundle-entry.ts'),
    platform: 'node',
    external: (id) => !id.startsWith('.') && !id.startsWith('/'),
    output: { format: 'esm', dir, entryFileNames: 'strata.js' },
  })
  return join(dir, 'strata.js')
}
