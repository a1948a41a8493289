// `strata cert --out DIR`: a self-signed certificate and its private key (PEM) for a local SSL or
// SASL_SSL listener. The certificate names localhost, 127.0.0.1 and ::1 (plus every --host) as subject
// alternative names, so clients that verify it against itself as the CA file connect by any of them.
// Writes cert.pem (the clients' CA file), key.pem (owner-only) and keystore.pem (key + certificate:
// the broker's ssl.keystore.location). Refuses to overwrite unless --force.
import { constants } from 'node:fs'
import { mkdir, writeFile } from 'node:fs/promises'
import net from 'node:net'
import path from 'node:path'
import { parseArgs } from 'node:util'
import { generate } from 'selfsigned'

const HELP = `usage: strata cert --out <dir> [options]

Generates a self-signed certificate and private key (PEM) for a local TLS listener.

options:
  --out <dir>        directory to write cert.pem, key.pem and keystore.pem into (created if missing)
  --host <name|ip>   another name or address the certificate is valid for, repeatable
                     (localhost, 127.0.0.1 and ::1 are always included)
  --days <n>         validity in days (default 365)
  --force            overwrite existing files
  -h, --help         show this help

example:
  strata cert --out ~/.strata/tls
  strata broker --config listeners=SASL_SSL://127.0.0.1:9093 \\
    --config ssl.keystore.location=$HOME/.strata/tls/keystore.pem ...
  kcat -b 127.0.0.1:9093 -X security.protocol=SASL_SSL -X ssl.ca.location=$HOME/.strata/tls/cert.pem ...
`

const DEFAULT_HOSTS = ['localhost', '127.0.0.1', '::1']

export interface CertFiles {
  cert: string
  key: string
  keystore: string
}

/** Generates the pair and writes the three files into `dir`; throws (EEXIST) rather than overwrite. */
export async function writeSelfSignedCert(
  dir: string,
  opts: { hosts?: string[]; days?: number; force?: boolean } = {},
): Promise<CertFiles> {
  const hosts = [...new Set([...DEFAULT_HOSTS, ...(opts.hosts ?? [])])]
  const notBeforeDate = new Date()
  const notAfterDate = new Date(notBeforeDate.getTime() + (opts.days ?? 365) * 86_400_000)
  const pems = await generate([{ name: 'commonName', value: opts.hosts?.[0] ?? 'localhost' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate,
    notAfterDate,
    extensions: [
      { name: 'basicConstraints', cA: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: hosts.map((h) =>
          net.isIP(h) ? { type: 7 as const, ip: h } : { type: 2 as const, value: h },
        ),
      },
    ],
  })
  await mkdir(dir, { recursive: true })
  const files: CertFiles = {
    cert: path.join(dir, 'cert.pem'),
    key: path.join(dir, 'key.pem'),
    keystore: path.join(dir, 'keystore.pem'),
  }
  const flag = opts.force ? 'w' : constants.O_CREAT | constants.O_EXCL | constants.O_WRONLY
  await writeFile(files.cert, pems.cert, { flag })
  await writeFile(files.key, pems.private, { flag, mode: 0o600 })
  await writeFile(files.keystore, pems.private + pems.cert, { flag, mode: 0o600 })
  return files
}

export async function run(argv: string[]): Promise<number> {
  let values
  try {
    ;({ values } = parseArgs({
      args: argv,
      allowPositionals: false,
      strict: true,
      options: {
        out: { type: 'string' },
        host: { type: 'string', multiple: true, default: [] },
        days: { type: 'string', default: '365' },
        force: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }))
  } catch (err) {
    process.stderr.write(`strata cert: ${(err as Error).message}\n\n${HELP}`)
    return 2
  }
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  const problem =
    values.out === undefined || values.out.trim() === ''
      ? '--out <dir> is required'
      : !/^\d+$/.test(values.days) || Number(values.days) < 1 || Number(values.days) > 36500
        ? `--days must be a whole number from 1 to 36500, got '${values.days}'`
        : values.host.find((h) => h.trim() === '' || /[\s,]/.test(h)) !== undefined
          ? '--host must be a name or address without spaces or commas'
          : null
  if (problem !== null) {
    process.stderr.write(`strata cert: ${problem}\n\n${HELP}`)
    return 2
  }
  const dir = path.resolve(values.out as string)
  let files: CertFiles
  try {
    files = await writeSelfSignedCert(dir, {
      hosts: values.host,
      days: Number(values.days),
      force: values.force,
    })
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    const why =
      e.code === 'EEXIST' ? `${e.path ?? dir} exists (use --force to overwrite)` : (e.message ?? String(err))
    process.stderr.write(`strata cert: ${why}\n`)
    return 1
  }
  process.stdout.write(
    `certificate: ${files.cert}\nprivate key: ${files.key}\nkeystore:    ${files.keystore}\n\n` +
      `broker:  --config ssl.keystore.location=${files.keystore}\n` +
      `clients: ssl.ca.location=${files.cert} (librdkafka), ca: [cert.pem] (Node), --tls-ca ${files.cert} (strata)\n`,
  )
  return 0
}
