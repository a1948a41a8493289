// SCRAM users (DescribeUserScramCredentials / AlterUserScramCredentials): list, set and delete credentials.
// The Admin client has no methods for these APIs, so they go over its bootstrap connection (already
// authenticated). The password never leaves this process: like Kafka's AdminClient, we send a random salt
// and the salted password (RFC 5802 Hi(), i.e. PBKDF2 with the mechanism's HMAC).
import { pbkdf2, randomBytes } from 'node:crypto'
import { promisify } from 'node:util'
import {
  alterUserScramCredentialsV0,
  describeUserScramCredentialsV0,
  kGetBootstrapConnection,
  type Connection,
} from '@platformatic/kafka'
import { ErrorCode } from '../protocol/errors.ts'
import { MAX_ITERATIONS, mechanismByCode, mechanismByName, type ScramMechanism } from '../security/scram.ts'
import type { ClusterClient } from './cluster-client.ts'
import { AdminError, flattenErrors, type AdminErrorCode } from './errors.ts'
import { run } from './run.ts'

export type ScramMechanismName = 'SCRAM-SHA-256' | 'SCRAM-SHA-512'

export interface ScramCredentialInfo {
  mechanism: ScramMechanismName | 'UNKNOWN'
  iterations: number
}

export interface ScramUser {
  user: string
  credentials: ScramCredentialInfo[]
}

export interface ScramUpsertion {
  user: string
  mechanism: ScramMechanismName
  iterations: number
  password: string
}

export interface ScramDeletion {
  user: string
  mechanism: ScramMechanismName
}

const pbkdf2Async = promisify(pbkdf2)
const SALT_BYTES = 32

function mechanismOf(name: ScramMechanismName): ScramMechanism {
  const m = mechanismByName(name)
  if (!m) throw new AdminError('invalid-argument', `unknown SCRAM mechanism '${String(name)}'`)
  return m
}

/** RFC 5802 SaltedPassword := Hi(password, salt, i); Kafka does no SASLprep, just UTF-8. */
export function saltPassword(
  mechanism: ScramMechanismName,
  password: string,
  salt: Buffer,
  iterations: number,
): Promise<Buffer> {
  const m = mechanismOf(mechanism)
  return pbkdf2Async(Buffer.from(password, 'utf8'), salt, iterations, m.hash === 'sha256' ? 32 : 64, m.hash)
}

function connectionOf(client: ClusterClient): Promise<Connection> {
  return new Promise((resolve, reject) => {
    client.admin[kGetBootstrapConnection]((error, connection) => {
      if (error || !connection) reject(error ?? new Error('no connection to the cluster'))
      else resolve(connection)
    })
  })
}

/**
 * A readable reason for the error codes these two APIs answer with, for `user` (null: the whole request).
 * `deleted` names the mechanisms the request deleted for that user.
 */
function reasonFor(
  code: number,
  serverMessage: string | null | undefined,
  action: 'describe' | 'alter',
  user: string | null,
  deleted: string[] = [],
): string {
  const who = user === null ? '' : `user '${user}': `
  switch (code) {
    case ErrorCode.RESOURCE_NOT_FOUND:
      return action === 'describe'
        ? `user '${user}' has no SCRAM credentials`
        : `user '${user}' has no ${deleted.join(' or ') || 'such SCRAM'} credential to delete`
    case ErrorCode.UNACCEPTABLE_CREDENTIAL:
      return `${who}credential refused by the broker: ${serverMessage ?? 'unacceptable credential'}`
    case ErrorCode.UNSUPPORTED_SASL_MECHANISM:
      return `${who}the broker does not support this SCRAM mechanism`
    case ErrorCode.DUPLICATE_RESOURCE:
      return `${who}named twice with the same mechanism in one request`
    case ErrorCode.CLUSTER_AUTHORIZATION_FAILED:
      return `CLUSTER_AUTHORIZATION_FAILED: ${action === 'describe' ? 'DESCRIBE' : 'ALTER'} on the cluster is needed`
    default:
      return `${who}error code ${code}${serverMessage ? `: ${serverMessage}` : ''}`
  }
}

function adminCodeFor(code: number): AdminErrorCode {
  switch (code) {
    case ErrorCode.RESOURCE_NOT_FOUND:
      return 'not-found'
    case ErrorCode.CLUSTER_AUTHORIZATION_FAILED:
      return 'not-authorized'
    case ErrorCode.UNSUPPORTED_SASL_MECHANISM:
      return 'unsupported'
    case ErrorCode.UNACCEPTABLE_CREDENTIAL:
    case ErrorCode.DUPLICATE_RESOURCE:
      return 'invalid-argument'
    default:
      return 'kafka'
  }
}

/** The decoded response a platformatic ResponseError carries (its per-user results), if it is one. */
function responseOf<T>(error: unknown): T | null {
  for (const e of flattenErrors(error)) {
    const response = (e as { response?: unknown }).response
    if (e.code === 'PLT_KFK_RESPONSE' && typeof response === 'object' && response !== null)
      return response as T
  }
  return null
}

interface DescribeResponse {
  errorCode: number
  errorMessage: string | null | undefined
  results: {
    user: string
    errorCode: number
    errorMessage: string | null | undefined
    credentialInfos: { mechanism: number; iterations: number }[]
  }[]
}

export interface DescribeScramUsersResult {
  users: ScramUser[]
  /** Named users the broker had no answer for (not found, or another per-user error). */
  failed: { user: string; error: AdminError }[]
}

/** Every user with a SCRAM credential (`names` null or empty), or the named ones, sorted by name. */
export function describeScramUsers(
  client: ClusterClient,
  names: string[] | null,
): Promise<DescribeScramUsersResult> {
  return run(async () => {
    const connection = await connectionOf(client)
    let response: DescribeResponse
    try {
      response = await describeUserScramCredentialsV0.api.async(
        connection,
        names && names.length > 0 ? names.map((name) => ({ name })) : null,
      )
    } catch (error) {
      const partial = responseOf<DescribeResponse>(error)
      if (!partial) throw error
      response = partial
    }
    if (response.errorCode !== ErrorCode.NONE)
      throw new AdminError(
        adminCodeFor(response.errorCode),
        reasonFor(response.errorCode, response.errorMessage, 'describe', null),
      )
    const users: ScramUser[] = []
    const failed: DescribeScramUsersResult['failed'] = []
    for (const r of response.results) {
      if (r.errorCode !== ErrorCode.NONE) {
        const reason = reasonFor(r.errorCode, r.errorMessage, 'describe', r.user)
        failed.push({
          user: r.user,
          error: new AdminError(adminCodeFor(r.errorCode), reason),
        })
        continue
      }
      const credentials = r.credentialInfos
        .map((c) => ({
          mechanism: (mechanismByCode(c.mechanism)?.name ?? 'UNKNOWN') as ScramCredentialInfo['mechanism'],
          iterations: c.iterations,
        }))
        .sort((a, b) => a.mechanism.localeCompare(b.mechanism))
      users.push({ user: r.user, credentials })
    }
    users.sort((a, b) => a.user.localeCompare(b.user))
    return { users, failed }
  })
}

interface AlterResponse {
  results: { user: string; errorCode: number; errorMessage: string | null | undefined }[]
}

/**
 * Upserts and deletes SCRAM credentials in one request. A user with any error gets none of its changes (the
 * broker's rule); the first failing user's reason is thrown.
 */
export function alterScramCredentials(
  client: ClusterClient,
  change: { upsertions: ScramUpsertion[]; deletions: ScramDeletion[] },
): Promise<void> {
  return run(async () => {
    for (const u of [...change.upsertions, ...change.deletions]) {
      if (u.user === '') throw new AdminError('invalid-argument', 'the user name must not be empty')
      mechanismOf(u.mechanism)
    }
    // Kafka's bounds; the broker would refuse others with UNACCEPTABLE_CREDENTIAL after the PBKDF2 work.
    for (const u of change.upsertions) {
      if (u.password === '') throw new AdminError('invalid-argument', 'the password must not be empty')
      const min = mechanismOf(u.mechanism).minIterations
      if (!Number.isInteger(u.iterations) || u.iterations < min || u.iterations > MAX_ITERATIONS)
        throw new AdminError(
          'invalid-argument',
          `iterations must be from ${min} to ${MAX_ITERATIONS}, got ${u.iterations}`,
        )
    }
    const upsertions = await Promise.all(
      change.upsertions.map(async (u) => {
        const salt = randomBytes(SALT_BYTES)
        return {
          name: u.user,
          mechanism: mechanismOf(u.mechanism).code,
          iterations: u.iterations,
          salt,
          saltedPassword: await saltPassword(u.mechanism, u.password, salt, u.iterations),
        }
      }),
    )
    const deletions = change.deletions.map((d) => ({
      name: d.user,
      mechanism: mechanismOf(d.mechanism).code,
    }))
    const connection = await connectionOf(client)
    let response: AlterResponse
    try {
      response = await alterUserScramCredentialsV0.api.async(connection, deletions, upsertions)
    } catch (error) {
      const partial = responseOf<AlterResponse>(error)
      if (!partial) throw error
      response = partial
    }
    const failure = response.results.find((r) => r.errorCode !== ErrorCode.NONE)
    if (failure)
      throw new AdminError(
        adminCodeFor(failure.errorCode),
        reasonFor(
          failure.errorCode,
          failure.errorMessage,
          'alter',
          failure.user,
          change.deletions.filter((d) => d.user === failure.user).map((d) => d.mechanism),
        ),
      )
  })
}
