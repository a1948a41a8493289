// Bundles the command line (the broker included) into plain JavaScript under out/cli/, packages left
// external. bin/strata.js runs the bundle while it is newer than every source file in it: Node then skips
// type-stripping hundreds of modules at each start (several times faster, and less memory).
import { rm, writeFile } from 'node:fs/promises'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))
export const CLI_BUNDLE_DIR = join(ROOT, 'out', 'cli')
/** Source files (relative to the project root) that went into the bundle, read by bin/strata.js. */
export const INPUTS_FILE = 'inputs.json'

/** Builds out/cli/main.js (exporting `main`, like broker/cli/main.ts) and returns its path. */
export async function buildCli(outDir = CLI_BUNDLE_DIR): Promise<string> {
  const { build } = await import('rolldown')
  // Chunk names carry content hashes: clear the folder so old chunks do not pile up.
  await rm(outDir, { recursive: true, force: true })
  const result = await build({
    input: join(ROOT, 'broker', 'cli', 'main.ts'),
    platform: 'node',
    external: (id) => !id.startsWith('.') && !id.startsWith('/'),
    output: { format: 'esm', dir: outDir, entryFileNames: 'main.js', chunkFileNames: '[name]-[hash].js' },
    logLevel: 'warn',
  })
  // The launcher stats just these files to tell a fresh bundle from a stale one, instead of walking the
  // source tree (a new file only enters the bundle through an edit to a file already in it).
  const inputs = new Set(
    result.output.flatMap((o) => ('moduleIds' in o ? o.moduleIds : [])).filter((id) => id.startsWith(ROOT)),
  )
  const list = [...inputs].map((id) => relative(ROOT, id)).sort()
  await writeFile(join(outDir, INPUTS_FILE), JSON.stringify(list) + '\n')
  return join(outDir, 'main.js')
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const entry = await buildCli()
    process.stdout.write(`strata: command line bundled into ${entry}\n`)
  } catch (err) {
    // Without the bundle the launcher runs the TypeScript sources: slower to start, same behaviour.
    process.stderr.write(
      `strata: could not bundle the command line (${(err as Error).message}); using sources\n`,
    )
  }
}
