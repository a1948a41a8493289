// The in-memory cluster image: what the metadata log's records add up to. Replaying the same records
// always gives the same image; nothing here touches the disk.
import {
  ConfigResourceType,
  RecordType,
  type AclBindingValue,
  type MetadataRecord,
  type QuotaEntityPart,
  type UserScramCredentialRecordValue,
} from './records.ts'

export interface PartitionState {
  partition: number
  leader: number
  leaderEpoch: number
  partitionEpoch: number
  replicas: number[]
  isr: number[]
}

export interface TopicState {
  name: string
  /** Kafka UUID, 22 base64url chars. */
  id: string
  /** Indexed by partition id. */
  partitions: PartitionState[]
  /** Topic config overrides (only the ones set explicitly). */
  configs: Map<string, string>
}

export interface ClientQuotaState {
  /** Parts sorted by entity type. */
  entity: QuotaEntityPart[]
  values: Map<string, number>
}

/** Canonical key of a quota entity: the same parts in any order give the same key. */
export function quotaEntityKey(entity: readonly QuotaEntityPart[]): string {
  const parts = [...entity].sort((a, b) => (a.entityType < b.entityType ? -1 : 1))
  return JSON.stringify(parts.map((p) => [p.entityType, p.entityName]))
}

export class MetadataImage {
  readonly topicsByName = new Map<string, TopicState>()
  readonly topicsById = new Map<string, TopicState>()
  /** Dynamic broker configs by resource name: '' = cluster default, '<nodeId>' = one broker. */
  readonly brokerConfigs = new Map<string, Map<string, string>>()
  /** Client quotas by quotaEntityKey(entity); entities without values are dropped. */
  readonly clientQuotas = new Map<string, ClientQuotaState>()
  /** SCRAM credentials by `<mechanism>:<user>`. */
  readonly scramCredentials = new Map<string, UserScramCredentialRecordValue>()
  /** ACL bindings by their id. */
  readonly acls = new Map<string, AclBindingValue>()
  /** Configs of topics seen before their TopicRecord (never in a well-formed log, kept to stay total). */
  readonly #pendingTopicConfigs = new Map<string, Map<string, string>>()

  apply(rec: MetadataRecord): void {
    switch (rec.type) {
      case RecordType.TOPIC: {
        const t: TopicState = {
          name: rec.name,
          id: rec.topicId,
          partitions: [],
          configs: this.#pendingTopicConfigs.get(rec.name) ?? new Map(),
        }
        this.#pendingTopicConfigs.delete(rec.name)
        this.topicsByName.set(t.name, t)
        this.topicsById.set(t.id, t)
        break
      }
      case RecordType.PARTITION: {
        const t = this.topicsById.get(rec.topicId)
        if (!t) return
        t.partitions[rec.partitionId] = {
          partition: rec.partitionId,
          leader: rec.leader,
          leaderEpoch: rec.leaderEpoch,
          partitionEpoch: rec.partitionEpoch,
          replicas: rec.replicas,
          isr: rec.isr,
        }
        break
      }
      case RecordType.CONFIG: {
        let map: Map<string, string> | undefined
        if (rec.resourceType === ConfigResourceType.TOPIC) {
          map = this.topicsByName.get(rec.resourceName)?.configs
          if (!map) {
            map = this.#pendingTopicConfigs.get(rec.resourceName) ?? new Map()
            this.#pendingTopicConfigs.set(rec.resourceName, map)
          }
        } else if (rec.resourceType === ConfigResourceType.BROKER) {
          map = this.brokerConfigs.get(rec.resourceName)
          if (!map) {
            map = new Map()
            this.brokerConfigs.set(rec.resourceName, map)
          }
        }
        if (!map) return
        if (rec.value === null) map.delete(rec.name)
        else map.set(rec.name, rec.value)
        break
      }
      case RecordType.REMOVE_TOPIC: {
        const t = this.topicsById.get(rec.topicId)
        if (!t) return
        this.topicsById.delete(t.id)
        this.topicsByName.delete(t.name)
        break
      }
      case RecordType.CLIENT_QUOTA: {
        const key = quotaEntityKey(rec.entity)
        let q = this.clientQuotas.get(key)
        if (rec.remove) {
          q?.values.delete(rec.key)
          if (q?.values.size === 0) this.clientQuotas.delete(key)
          return
        }
        if (!q) {
          const entity = [...rec.entity].sort((a, b) => (a.entityType < b.entityType ? -1 : 1))
          q = { entity, values: new Map() }
          this.clientQuotas.set(key, q)
        }
        q.values.set(rec.key, rec.value)
        break
      }
      case RecordType.ACCESS_CONTROL_ENTRY: {
        const { type: _type, id, ...binding } = rec
        this.acls.set(id, binding)
        break
      }
      case RecordType.REMOVE_ACCESS_CONTROL_ENTRY:
        this.acls.delete(rec.id)
        break
      case RecordType.USER_SCRAM_CREDENTIAL:
        this.scramCredentials.set(`${rec.mechanism}:${rec.name}`, rec)
        break
      case RecordType.REMOVE_USER_SCRAM_CREDENTIAL:
        this.scramCredentials.delete(`${rec.mechanism}:${rec.name}`)
        break
    }
  }

  /** The records that rebuild this image from nothing (what a snapshot holds). */
  *records(): Generator<MetadataRecord> {
    for (const [resourceName, configs] of this.brokerConfigs) {
      for (const [name, value] of configs) {
        yield { type: RecordType.CONFIG, resourceType: ConfigResourceType.BROKER, resourceName, name, value }
      }
    }
    for (const q of this.clientQuotas.values()) {
      for (const [key, value] of q.values) {
        yield { type: RecordType.CLIENT_QUOTA, entity: q.entity, key, value, remove: false }
      }
    }
    yield* this.scramCredentials.values()
    for (const [id, binding] of this.acls) yield { type: RecordType.ACCESS_CONTROL_ENTRY, id, ...binding }
    for (const t of this.topicsByName.values()) {
      yield { type: RecordType.TOPIC, name: t.name, topicId: t.id }
      for (const p of t.partitions) {
        yield {
          type: RecordType.PARTITION,
          partitionId: p.partition,
          topicId: t.id,
          replicas: p.replicas,
          isr: p.isr,
          leader: p.leader,
          leaderEpoch: p.leaderEpoch,
          partitionEpoch: p.partitionEpoch,
        }
      }
      for (const [name, value] of t.configs) {
        yield {
          type: RecordType.CONFIG,
          resourceType: ConfigResourceType.TOPIC,
          resourceName: t.name,
          name,
          value,
        }
      }
    }
  }
}
