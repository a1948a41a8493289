// Client quotas (user, client-id, ip): list, set, remove.
import type { ClientQuotaKeyValue } from '@platformatic/kafka'
import type { ClusterClient } from './cluster-client.ts'
import { run } from './run.ts'
import type { QuotaEntityType, QuotaEntry } from './types.ts'

export function listQuotas(client: ClusterClient): Promise<QuotaEntry[]> {
  return run(async () => {
    // No components, not strict: every entity. (Kafka refuses an `ip` component next to user or client-id.)
    const entries = await client.admin.describeClientQuotas({ components: [], strict: false })
    return entries.map((e) => ({
      entity: e.entity.map((part) => ({
        type: part.entityType as QuotaEntityType,
        name: part.entityName ?? null,
      })),
      values: Object.fromEntries(e.values.map((v) => [v.key, v.value])),
    }))
  })
}

/** Sets the given quota values and removes those named in `remove`, for one entity. */
export function alterQuota(
  client: ClusterClient,
  spec: { entity: QuotaEntry['entity']; set: Record<string, number>; remove: string[] },
): Promise<void> {
  return run(async () => {
    await client.admin.alterClientQuotas({
      entries: [
        {
          entities: spec.entity.map((part) => ({ entityType: part.type, entityName: part.name })),
          ops: [
            ...Object.entries(spec.set).map(([key, value]) => ({
              key: key as ClientQuotaKeyValue,
              value,
              remove: false as const,
            })),
            ...spec.remove.map((key) => ({ key: key as ClientQuotaKeyValue, remove: true as const })),
          ],
        },
      ],
    })
  })
}
