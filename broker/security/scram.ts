// SCRAM (RFC 5802/7677) as Kafka uses it: SCRAM-SHA-256 and SCRAM-SHA-512. Credentials keep only the
// salt, the iteration count and the derived StoredKey/ServerKey; the password never reaches the broker
// in clear (AlterUserScramCredentials sends the salted password) and is never stored.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { MetadataImage } from '../metadata/image.ts'

export interface ScramMechanism {
  /** Kafka's ScramMechanism code in AlterUserScramCredentials and the metadata record. */
  code: number
  name: string
  hash: 'sha256' | 'sha512'
  /** Kafka's minimum iteration count. */
  minIterations: number
}

export const SCRAM_SHA_256: ScramMechanism = {
  code: 1,
  name: 'SCRAM-SHA-256',
  hash: 'sha256',
  minIterations: 4096,
}
export const SCRAM_SHA_512: ScramMechanism = {
  code: 2,
  name: 'SCRAM-SHA-512',
  hash: 'sha512',
  minIterations: 4096,
}
export const MAX_ITERATIONS = 16384
export const SCRAM_MECHANISMS: readonly ScramMechanism[] = [SCRAM_SHA_256, SCRAM_SHA_512]

export function mechanismByCode(code: number): ScramMechanism | undefined {
  return SCRAM_MECHANISMS.find((m) => m.code === code)
}

export function mechanismByName(name: string): ScramMechanism | undefined {
  return SCRAM_MECHANISMS.find((m) => m.name === name)
}

const hmac = (m: ScramMechanism, key: Buffer, data: string | Buffer): Buffer =>
  createHmac(m.hash, key).update(data).digest()
const digest = (m: ScramMechanism, data: Buffer): Buffer => createHash(m.hash).update(data).digest()

/** StoredKey and ServerKey from a salted password (what AlterUserScramCredentials carries). */
export function deriveKeys(
  m: ScramMechanism,
  saltedPassword: Buffer,
): { storedKey: Buffer; serverKey: Buffer } {
  return {
    storedKey: digest(m, hmac(m, saltedPassword, 'Client Key')),
    serverKey: hmac(m, saltedPassword, 'Server Key'),
  }
}

export class ScramError extends Error {}

/** `=2C` and `=3D` escapes of SCRAM user names. */
function unescapeName(s: string): string {
  if (/=(?!2C|3D)/.test(s)) throw new ScramError('Invalid user name escape')
  return s.replace(/=2C/g, ',').replace(/=3D/g, '=')
}

function attributes(msg: string): Map<string, string> {
  const out = new Map<string, string>()
  for (const part of msg.split(',')) {
    const eq = part.indexOf('=')
    if (eq !== 1) throw new ScramError(`Invalid SCRAM attribute '${part}'`)
    out.set(part[0] as string, part.slice(2))
  }
  return out
}

/** One server-side SCRAM exchange: client-first -> server-first, client-final -> server-final. */
export class ScramServer {
  readonly #m: ScramMechanism
  readonly #image: MetadataImage
  #step: 'first' | 'final' | 'done' = 'first'
  #clientFirstBare = ''
  #serverFirst = ''
  #nonce = ''
  #user = ''
  #cred: { storedKey: Buffer; serverKey: Buffer } | null = null

  constructor(m: ScramMechanism, image: MetadataImage) {
    this.#m = m
    this.#image = image
  }

  /** The authenticated user name once the exchange is complete. */
  get user(): string {
    return this.#user
  }

  /** Answers one client message; throws ScramError when authentication fails. */
  evaluate(input: Buffer): { response: Buffer; complete: boolean } {
    const msg = input.toString('utf8')
    if (this.#step === 'first') {
      // gs2 header: channel binding flag ('n' or 'y', never 'p'), optional authzid, then the bare message.
      const m = /^([ny]),(a=[^,]*)?,(.*)$/.exec(msg)
      if (!m) throw new ScramError('Invalid SCRAM client first message')
      this.#clientFirstBare = m[3] as string
      const attrs = attributes(this.#clientFirstBare.split(',').slice(0, 2).join(','))
      const name = attrs.get('n')
      const clientNonce = attrs.get('r')
      if (!name || !clientNonce) throw new ScramError('Invalid SCRAM client first message')
      this.#user = unescapeName(name)
      const cred = this.#image.scramCredentials.get(`${this.#m.code}:${this.#user}`)
      if (!cred)
        throw new ScramError(
          `Authentication failed during authentication due to invalid credentials with SASL mechanism ${this.#m.name}`,
        )
      this.#cred = { storedKey: cred.storedKey, serverKey: cred.serverKey }
      this.#nonce = clientNonce + randomBytes(24).toString('base64url')
      this.#serverFirst = `r=${this.#nonce},s=${cred.salt.toString('base64')},i=${cred.iterations}`
      this.#step = 'final'
      return { response: Buffer.from(this.#serverFirst), complete: false }
    }
    if (this.#step === 'final' && this.#cred) {
      const proofAt = msg.lastIndexOf(',p=')
      if (proofAt < 0) throw new ScramError('Invalid SCRAM client final message')
      const withoutProof = msg.slice(0, proofAt)
      const attrs = attributes(withoutProof)
      // Kafka checks that the nonce ends with ours: librdkafka sends its client nonce before the full one.
      if (!attrs.get('r')?.endsWith(this.#nonce)) throw new ScramError('Invalid SCRAM nonce')
      const proof = Buffer.from(msg.slice(proofAt + 3), 'base64')
      const authMessage = `${this.#clientFirstBare},${this.#serverFirst},${withoutProof}`
      const signature = hmac(this.#m, this.#cred.storedKey, authMessage)
      if (proof.length !== signature.length) throw new ScramError('Invalid SCRAM client proof')
      const clientKey = Buffer.alloc(proof.length)
      for (let i = 0; i < proof.length; i++) clientKey[i] = (proof[i] as number) ^ (signature[i] as number)
      if (!timingSafeEqual(digest(this.#m, clientKey), this.#cred.storedKey)) {
        throw new ScramError(
          `Authentication failed during authentication due to invalid credentials with SASL mechanism ${this.#m.name}`,
        )
      }
      this.#step = 'done'
      const serverSignature = hmac(this.#m, this.#cred.serverKey, authMessage).toString('base64')
      return { response: Buffer.from(`v=${serverSignature}`), complete: true }
    }
    throw new ScramError('Unexpected SCRAM message')
  }
}
