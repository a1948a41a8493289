// SASL/PLAIN (RFC 4616) against users from the JAAS-like broker config Kafka uses:
//   listener.name.sasl_plaintext.plain.sasl.jaas.config= (or listener.name.sasl_ssl...)
//     org.apache.kafka.common.security.plain.PlainLoginModule required user_alice="alice-secret";
import { timingSafeEqual } from 'node:crypto'

export class PlainError extends Error {}

/** The `user_<name>="<password>"` entries of a PlainLoginModule JAAS config. */
export function plainUsers(jaas: string | null): Map<string, string> {
  const users = new Map<string, string>()
  if (!jaas) return users
  for (const m of jaas.matchAll(/user_([^\s=]+)\s*=\s*"((?:[^"\\]|\\.)*)"/g)) {
    users.set(m[1] as string, (m[2] as string).replace(/\\(.)/g, '$1'))
  }
  return users
}

/** Checks `[authzid] NUL user NUL password`; returns the user name or throws PlainError. */
export function authenticatePlain(token: Buffer, users: ReadonlyMap<string, string>): string {
  const parts = token.toString('utf8').split('\u0000')
  if (parts.length !== 3) throw new PlainError('Invalid SASL/PLAIN response: expected 3 tokens')
  const [authzid, user, password] = parts as [string, string, string]
  if (user === '' || password === '')
    throw new PlainError('Authentication failed: username or password is empty')
  if (authzid !== '' && authzid !== user)
    throw new PlainError(
      'Authentication failed: Client requested an authorization id that is different from username',
    )
  const expected = users.get(user)
  const a = Buffer.from(password)
  const b = Buffer.from(expected ?? '')
  if (expected === undefined || a.length !== b.length || !timingSafeEqual(a, b)) {
    throw new PlainError('Authentication failed: Invalid username or password')
  }
  return user
}
