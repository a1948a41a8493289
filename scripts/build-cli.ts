// Bundles the command line (the broker included) into plain JavaScript under out/cli/. bin/strata.js runs
// the bundle while it is newer than every source file in it: Node then skips type-stripping hundreds of
// modules at each start (several times faster, and less memory). Packages stay external except pino and
// its dependencies: resolving and loading their dozen small CommonJS files cost ~35 ms of every broker
// start. (The broker logs through pino.destination, never a transport, whose worker files a bundle
// cannot reach.)
import { existsSync, readFileSync } from 'node:fs'
import { rm, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)))
export const CLI_BUNDLE_DIR = join(ROOT, 'out', 'cli')
/** Source files (relative to the project root) that went into the bundle, read by bin/strata.js. */
export const INPUTS_FILE = 'inputs.json'

/** Builds out/cli/main.js (exporting `main`, like broker/cli/main.ts) and returns its path. */
export async function buildCli(outDir = CLI_BUNDLE_DIR): Promise<string> {
  const { build } = await import('rolldown')
  const inlined = dependencyTree('pino')
  // Chunk names carry content hashes: clear the folder so old chunks do not pile up.
  await rm(outDir, { recursive: true, force: true })
  const result = await build({
    input: join(ROOT, 'broker', 'cli', 'main.ts'),
    platform: 'node',
    external: (id) => !id.startsWith('.') && !id.startsWith('/') && !inlined.has(packageName(id)),
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

function packageName(id: string): string {
  const parts = id.split('/')
  return id.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string)
}

/** `name` and every package it depends on, transitively, as installed under the project root. */
function dependencyTree(name: string): Set<string> {
  const names = new Set<string>()
  const visit = (pkg: string, from: string): void => {
    if (names.has(pkg)) return
    names.add(pkg)
    // Not require.resolve('<pkg>/package.json'): a package's "exports" may not list it.
    const dirs = createRequire(from).resolve.paths(pkg) ?? []
    const manifest = dirs.map((d) => join(d, pkg, 'package.json')).find((f) => existsSync(f))
    if (manifest === undefined) throw new Error(`cannot find package ${pkg} (needed by ${from})`)
    const deps = (JSON.parse(readFileSync(manifest, 'utf8')) as { dependencies?: Record<string, string> })
      .dependencies
    for (const dep of Object.keys(deps ?? {})) visit(dep, manifest)
  }
  visit(name, join(ROOT, 'package.json'))
  return names
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
