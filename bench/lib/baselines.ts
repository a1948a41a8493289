// The machine's own limits, measured in the same run as the broker figures: sequential disk writes
// (write + fdatasync, as the broker's log does) and TCP throughput over loopback between two processes.
import { execFile, spawn } from 'node:child_process'
import { open, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { join } from 'node:path'

const CHUNK = 1024 * 1024

/**
 * MB/s of writing `bytes` sequentially in 1 MiB chunks to a new file in `dir`, then fdatasync. The
 * filesystem is synced first: the dirty pages a broker run just left would otherwise be written back
 * during the measurement and make the disk look slower than it is.
 */
export async function rawDiskWrite(dir: string, bytes: number): Promise<number> {
  await new Promise<void>((resolve, reject) =>
    execFile('sync', ['-f', dir], (err) => (err ? reject(err) : resolve())),
  )
  const path = join(dir, 'raw-disk-baseline')
  const chunk = Buffer.alloc(CHUNK, 'x')
  const fh = await open(path, 'w')
  const t0 = performance.now()
  for (let pos = 0; pos < bytes; pos += CHUNK) await fh.write(chunk, 0, Math.min(CHUNK, bytes - pos), pos)
  await fh.datasync()
  const s = (performance.now() - t0) / 1000
  await fh.close()
  await rm(path)
  return bytes / 1e6 / s
}

// The receiving process: counts bytes until the expected total arrived, then answers one byte.
const SINK = `
const total = Number(process.argv[1]);
const srv = require('node:net').createServer((s) => {
  let n = 0;
  s.on('data', (d) => { n += d.length; if (n >= total) { s.end('k'); srv.close() } });
});
srv.listen(0, '127.0.0.1', () => console.log(srv.address().port));
`

/** MB/s of sending `bytes` over a loopback TCP connection to another process. */
export async function loopback(bytes: number): Promise<number> {
  const sink = spawn(process.execPath, ['-e', SINK, String(bytes)], { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise<number>((resolve) =>
    sink.stdout.setEncoding('utf8').once('data', (d: string) => resolve(Number(d.trim()))),
  )
  const sock = connect(port, '127.0.0.1')
  await new Promise((r) => sock.once('connect', r))
  const chunk = Buffer.alloc(CHUNK, 'x')
  const t0 = performance.now()
  const done = new Promise<void>((r) => sock.once('data', () => r()))
  for (let sent = 0; sent < bytes; sent += CHUNK) {
    if (!sock.write(chunk)) await new Promise((r) => sock.once('drain', r))
  }
  await done
  const s = (performance.now() - t0) / 1000
  sock.destroy()
  await new Promise((r) => sink.once('exit', r))
  return bytes / 1e6 / s
}
