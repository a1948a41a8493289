// Raw-socket helpers for the quota tests: frames with a chosen client id (quotas are per client id), and
// AlterClientQuotas.
import { encodeAlterClientQuotasRequest } from '../../broker/protocol/generated/alter-client-quotas-request.ts'
import { decodeAlterClientQuotasResponse } from '../../broker/protocol/generated/alter-client-quotas-response.ts'
import { requestHeaderVersion } from '../../broker/protocol/generated/apis.ts'
import { encodeRequestHeader } from '../../broker/protocol/generated/request-header.ts'
import { Writer } from '../../broker/protocol/primitives/writer.ts'
import { RawClient } from '../helpers/raw-client.ts'

let correlation = 1

/** A request frame (size + header + body) sent as `clientId`. */
export function frameAs(
  clientId: string,
  apiKey: number,
  apiVersion: number,
  body: (w: Writer) => void,
): { frame: Buffer; correlationId: number } {
  const correlationId = correlation++
  const w = new Writer()
  encodeRequestHeader(
    w,
    { requestApiKey: apiKey, requestApiVersion: apiVersion, correlationId, clientId },
    requestHeaderVersion(apiKey, apiVersion),
  )
  body(w)
  const payload = w.toBuffer()
  const size = Buffer.alloc(4)
  size.writeInt32BE(payload.length)
  return { frame: Buffer.concat([size, payload]), correlationId }
}

/** Sets (value) or removes (null) one quota of a client id; throws unless the broker accepted it. */
export async function setClientQuota(
  port: number,
  clientId: string | null,
  key: string,
  value: number | null,
): Promise<void> {
  const c = await RawClient.connect(port)
  try {
    const { frame } = frameAs('admin', 49, 1, (w) =>
      encodeAlterClientQuotasRequest(
        w,
        {
          entries: [
            {
              entity: [{ entityType: 'client-id', entityName: clientId }],
              ops: [{ key, value: value ?? 0, remove: value === null }],
            },
          ],
          validateOnly: false,
        },
        1,
      ),
    )
    c.send(frame)
    const res = decodeAlterClientQuotasResponse(RawClient.parse(await c.next(), 49, 1).body, 1)
    const code = res.entries[0]?.errorCode
    if (code !== 0) throw new Error(`AlterClientQuotas failed: ${code} ${res.entries[0]?.errorMessage}`)
  } finally {
    c.close()
  }
}
