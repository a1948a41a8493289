// Test a connection before saving it: resolve, connect, TLS, authenticate, then ask for metadata; the
// result names the stage that failed so the user knows what to fix.
import { lookup } from 'node:dns/promises'
import { Admin } from '@platformatic/kafka'
import { kafkaOptions, type ClusterCredentials } from './cluster-client.ts'
import { flattenErrors } from './errors.ts'
import type { ConnectionConfig, ConnectionFailureStage, ConnectionTestResult } from './types.ts'

export function parseBootstrap(address: string): { host: string; port: number } | null {
  const match = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(address.trim())
  if (!match?.[1] || !match[2]) return null
  const port = Number(match[2])
  return port > 0 && port < 65536 ? { host: match[1], port } : null
}

const tlsCodes = /^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|EPROTO|ERR_OSSL)/

export function classifyConnectionError(error: unknown): { stage: ConnectionFailureStage; message: string } {
  const all = flattenErrors(error)
  const codes = all.map((e) => (typeof e.code === 'string' ? e.code : ''))
  const messages = all.map((e) => String(e.message ?? ''))
  const text = messages.join(' | ')
  const deepest = [...messages].reverse().find((m) => m !== '') ?? String(error)
  if (codes.some((c) => c === 'ENOTFOUND' || c === 'EAI_AGAIN')) return { stage: 'dns', message: deepest }
  if (codes.includes('ECONNREFUSED')) return { stage: 'refused', message: deepest }
  if (codes.some((c) => tlsCodes.test(c)) || /certificate|SSL|TLS/i.test(text))
    return { stage: 'tls', message: deepest }
  if (
    codes.includes('PLT_KFK_AUTHENTICATION') ||
    all.some((e) => e.apiId === 'SASL_AUTHENTICATION_FAILED' || e.apiId === 'UNSUPPORTED_SASL_MECHANISM') ||
    /SASL|authenticat/i.test(text)
  )
    return { stage: 'auth', message: deepest }
  if (codes.includes('PLT_KFK_UNSUPPORTED_API') || all.some((e) => e.apiId === 'UNSUPPORTED_VERSION'))
    return { stage: 'version', message: deepest }
  if (codes.includes('ETIMEDOUT') || /timed? ?out/i.test(text)) return { stage: 'timeout', message: deepest }
  return { stage: 'unknown', message: deepest }
}

const stageAdvice: Record<ConnectionFailureStage, string> = {
  dns: 'The host name could not be resolved: check the bootstrap address.',
  refused: 'Nothing accepts connections there: check the host and port, and that the broker runs.',
  timeout: 'The broker did not answer in time: check the address, firewalls and whether TLS is needed.',
  tls: 'The TLS handshake failed: check TLS is enabled on the listener and the CA certificate.',
  auth: 'Authentication failed: check the SASL mechanism, user name and password.',
  version: 'The broker does not support the Kafka versions Strata needs (Kafka 3.5 or later recommended).',
  unknown: 'The connection failed.',
}

export async function testConnection(
  config: ConnectionConfig,
  credentials: ClusterCredentials,
): Promise<ConnectionTestResult> {
  const fail = (stage: ConnectionFailureStage, detail: string): ConnectionTestResult => ({
    ok: false,
    stage,
    message: `${stageAdvice[stage]} (${detail})`,
    clusterId: null,
    brokers: 0,
  })
  const addresses = config.bootstrap.map((b) => ({ raw: b, parsed: parseBootstrap(b) }))
  const bad = addresses.find((a) => a.parsed === null)
  if (bad || addresses.length === 0) return fail('dns', `"${bad?.raw ?? ''}" is not host:port`)
  try {
    await Promise.any(addresses.map((a) => lookup(a.parsed!.host)))
  } catch (error) {
    return fail('dns', classifyConnectionError(error).message)
  }
  const admin = new Admin({ ...kafkaOptions(config, credentials, 'strata-connection-test'), retries: 0 })
  try {
    const metadata = await admin.metadata({ topics: [] })
    return {
      ok: true,
      stage: null,
      message: `Connected: cluster ${metadata.id}, ${metadata.brokers.size} broker(s).`,
      clusterId: metadata.id,
      brokers: metadata.brokers.size,
    }
  } catch (error) {
    const { stage, message } = classifyConnectionError(error)
    return fail(stage, message)
  } finally {
    await admin.close().catch(() => undefined)
  }
}
