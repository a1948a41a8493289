// The data directory's identity and ownership: meta.properties (cluster id and node id, as Kafka writes
// them at format time) and a pid lock so two brokers never share one directory.
import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import path from 'node:path'

const META = 'meta.properties'
const LOCK = '.lock'

function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith('#') || !line.includes('=')) continue
    const eq = line.indexOf('=')
    out.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim())
  }
  return out
}

/** Reads the cluster id, creating meta.properties on first start. Startup only (synchronous). */
export function loadOrFormat(dataDir: string, nodeId: number): { clusterId: string } {
  fs.mkdirSync(dataDir, { recursive: true })
  const file = path.join(dataDir, META)
  if (fs.existsSync(file)) {
    const props = parseProperties(fs.readFileSync(file, 'utf8'))
    const clusterId = props.get('cluster.id')
    const node = props.get('node.id')
    if (!clusterId) throw new Error(`${file} has no cluster.id`)
    if (node !== undefined && Number(node) !== nodeId) {
      throw new Error(`${file} belongs to node.id ${node}, but this broker is node.id ${nodeId}`)
    }
    return { clusterId }
  }
  const clusterId = randomBytes(16).toString('base64url')
  const text = `#\n#${new Date().toISOString()}\nnode.id=${nodeId}\nversion=1\ncluster.id=${clusterId}\n`
  const tmp = `${file}.tmp`
  const fd = fs.openSync(tmp, 'w')
  try {
    fs.writeSync(fd, text)
    fs.fsyncSync(fd)
  } finally {
    fs.closeSync(fd)
  }
  fs.renameSync(tmp, file)
  return { clusterId }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Takes the directory for this process (at start-up, synchronously); throws when another live broker holds
 * it. The returned release runs at shutdown, asynchronously.
 */
export function lockDataDir(dataDir: string): () => Promise<void> {
  const file = path.join(dataDir, LOCK)
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' })
      return () => fs.promises.rm(file, { force: true })
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new Error(`cannot lock data directory ${dataDir}`, { cause: err })
      }
      const pid = Number(fs.readFileSync(file, 'utf8').trim())
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
        throw new Error(`data directory ${dataDir} is in use by another broker (pid ${pid})`, { cause: err })
      }
      // A lock left by a process that died: take it over.
      fs.rmSync(file, { force: true })
    }
  }
  throw new Error(`cannot lock data directory ${dataDir}`)
}
