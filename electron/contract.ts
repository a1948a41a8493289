// The IPC contract: one table of operations (name -> argument schema -> result type) and one of events
// (main -> renderer). Main registers a handler per entry and validates arguments with these schemas;
// the preload exposes one function per entry; the web-mode server serves the same table over a
// WebSocket; the renderer's client is typed from it (type imports only, so zod stays out of its bundle).
// int64 values travel as decimal strings (JSON and structured clone both carry them unchanged).
import { z } from 'zod'
import {
  ACL_OPERATIONS,
  ACL_PATTERN_TYPES,
  ACL_PERMISSIONS,
  ACL_RESOURCE_TYPES,
} from '../broker/client/acl-names.ts'
import type {
  AclBinding,
  ClusterOverview,
  ConfigEntry,
  ConnectionConfig,
  ConnectionTestResult,
  GroupDetail,
  GroupSummary,
  MessagePage,
  OffsetChange,
  PartitionInfo,
  ProduceResult,
  QuotaEntry,
  SegmentBatchPage,
  SegmentIndexPage,
  SegmentInfo,
  TailUpdate,
  TopicSummary,
} from '../broker/client/types.ts'
import type { BrokerStatus, LogLine } from './supervisor/types.ts'

declare const resultType: unique symbol
/** Carries a result type in the table without a runtime value. */
export interface Result<R> {
  readonly [resultType]?: R
}
export interface Op<A extends z.ZodType, R> {
  readonly args: A
  readonly result: Result<R>
}
const result = <R>(): Result<R> => ({})
const op = <A extends z.ZodType, R>(args: A, r: Result<R>): Op<A, R> => ({ args, result: r })

// ---- shared argument pieces ----

/** 'bundled' is the app's own broker; anything else is a saved connection's id. */
export const BUNDLED = 'bundled'
const ClusterId = z.string().min(1).max(100)
const TopicName = z
  .string()
  .min(1, 'A topic name cannot be empty.')
  .max(249, 'A topic name has at most 249 characters.')
  .regex(/^[a-zA-Z0-9._-]+$/, 'A topic name may contain only letters, digits, ".", "_" and "-".')
  .refine((n) => n !== '.' && n !== '..', 'A topic name cannot be "." or "..".')
const GroupId = z.string().min(1).max(1000)
const Partition = z.number().int().min(0).max(1_000_000)
const Int64 = z.string().regex(/^-?\d{1,19}$/, 'An offset must be a whole number.')
const Timestamp = z.number().int().min(0).max(8_640_000_000_000_000)
const Format = z.enum(['text', 'json', 'hex', 'base64'])
const Empty = z.object({}).strict()
const Cluster = z.object({ cluster: ClusterId })

const ConnectionSchema = z.object({
  id: z.string().min(1).max(100),
  name: z.string().min(1).max(200),
  bootstrap: z
    .array(z.string().regex(/^\[?[^\s\]]+\]?:\d{1,5}$/, 'Each bootstrap server is host:port.'))
    .min(1, 'Give at least one bootstrap server.')
    .max(50),
  sasl: z
    .object({
      mechanism: z.enum(['PLAIN', 'SCRAM-SHA-256', 'SCRAM-SHA-512']),
      username: z.string().min(1).max(500),
    })
    .nullable(),
  tls: z
    .object({
      enabled: z.boolean(),
      caPem: z.string().max(1_000_000).nullable(),
      rejectUnauthorized: z.boolean(),
      serverName: z.string().max(500).nullable(),
    })
    .nullable(),
})

const ReadStartSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('beginning') }),
  z.object({ kind: z.literal('end') }),
  z.object({ kind: z.literal('offset'), offset: Int64 }),
  z.object({ kind: z.literal('timestamp'), timestamp: Timestamp }),
  z.object({
    kind: z.literal('cursor'),
    offsets: z.array(z.object({ partition: Partition, offset: Int64 })).max(100_000),
  }),
])

const ResetSpecSchema = z.object({
  cluster: ClusterId,
  groupId: GroupId,
  topics: z.array(TopicName).min(1).nullable(),
  to: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('earliest') }),
    z.object({ kind: z.literal('latest') }),
    z.object({ kind: z.literal('timestamp'), timestamp: Timestamp }),
    z.object({ kind: z.literal('offset'), offset: Int64 }),
    z.object({ kind: z.literal('shift'), by: z.number().int() }),
  ]),
})

const AclResource = z.enum(ACL_RESOURCE_TYPES)
const AclPattern = z.enum(ACL_PATTERN_TYPES)
const AclOperation = z.enum(ACL_OPERATIONS)
const AclPermission = z.enum(ACL_PERMISSIONS)
const AclBindingSchema = z.object({
  resourceType: AclResource,
  resourceName: z.string().min(1),
  patternType: AclPattern,
  principal: z.string().regex(/^[A-Za-z]+:.+$/, 'A principal looks like User:alice.'),
  host: z.string().min(1),
  operation: AclOperation,
  permission: AclPermission,
})
const AclFilterSchema = z.object({
  resourceType: AclResource.nullable(),
  resourceName: z.string().nullable(),
  patternType: AclPattern.nullable(),
  principal: z.string().nullable(),
  host: z.string().nullable(),
  operation: AclOperation.nullable(),
  permission: AclPermission.nullable(),
})
const QuotaEntity = z
  .array(z.object({ type: z.enum(['user', 'client-id', 'ip']), name: z.string().min(1).nullable() }))
  .min(1)
  .max(3)

export interface ConnectionView {
  config: ConnectionConfig
  hasPassword: boolean
}

export interface AppInfo {
  version: string
  mode: 'electron' | 'web'
  /** False in web mode: passwords live only in memory until the server stops. */
  passwordsPersisted: boolean
}

export const contract = {
  'app/info': op(Empty, result<AppInfo>()),
  'app/openExternal': op(z.object({ url: z.string().max(2048) }), result<void>()),

  'broker/status': op(Empty, result<BrokerStatus>()),
  'broker/logs': op(
    z.object({
      afterSeq: z.number().int().min(0).optional(),
      limit: z.number().int().min(1).max(10_000).optional(),
    }),
    result<LogLine[]>(),
  ),
  'broker/start': op(Empty, result<BrokerStatus>()),
  'broker/stop': op(Empty, result<BrokerStatus>()),
  'broker/restart': op(Empty, result<BrokerStatus>()),
  'broker/configure': op(
    z.object({
      dataDir: z.string().min(1).max(4096).optional(),
      port: z.number().int().min(1).max(65535).nullable().optional(),
    }),
    result<BrokerStatus>(),
  ),
  'broker/chooseDataDir': op(Empty, result<{ path: string | null }>()),

  'connections/list': op(Empty, result<ConnectionView[]>()),
  'connections/save': op(
    z.object({ config: ConnectionSchema, password: z.string().max(10_000).nullable().optional() }),
    result<ConnectionView>(),
  ),
  'connections/delete': op(z.object({ id: z.string().min(1) }), result<void>()),
  'connections/test': op(
    z.object({ config: ConnectionSchema, password: z.string().max(10_000).nullable().optional() }),
    result<ConnectionTestResult>(),
  ),

  'cluster/describe': op(Cluster, result<ClusterOverview>()),

  'topics/list': op(
    z.object({ cluster: ClusterId, includeInternal: z.boolean().default(false) }),
    result<TopicSummary[]>(),
  ),
  'topics/create': op(
    z.object({
      cluster: ClusterId,
      name: TopicName,
      partitions: z.number().int().min(1).max(100_000),
      replicationFactor: z.number().int().min(1).max(100),
      configs: z.record(z.string().min(1), z.string()).default({}),
    }),
    result<void>(),
  ),
  'topics/delete': op(z.object({ cluster: ClusterId, names: z.array(TopicName).min(1) }), result<void>()),
  'topics/addPartitions': op(
    z.object({ cluster: ClusterId, topic: TopicName, totalPartitions: z.number().int().min(1).max(100_000) }),
    result<void>(),
  ),
  'topics/configs': op(z.object({ cluster: ClusterId, topic: TopicName }), result<ConfigEntry[]>()),
  'topics/alterConfigs': op(
    z.object({
      cluster: ClusterId,
      topic: TopicName,
      set: z.record(z.string().min(1), z.string()).default({}),
      reset: z.array(z.string().min(1)).default([]),
    }),
    result<void>(),
  ),

  'partitions/describe': op(z.object({ cluster: ClusterId, topic: TopicName }), result<PartitionInfo[]>()),

  'messages/read': op(
    z.object({
      cluster: ClusterId,
      topic: TopicName,
      partition: Partition.nullable(),
      from: ReadStartSchema,
      direction: z.enum(['forward', 'backward']).default('forward'),
      limit: z.number().int().min(1).max(1000).default(100),
      keyFormat: Format.default('text'),
      valueFormat: Format.default('text'),
      maxPayloadBytes: z
        .number()
        .int()
        .min(16)
        .max(10 * 1024 * 1024)
        .default(64 * 1024),
    }),
    result<MessagePage>(),
  ),
  'messages/tailStart': op(
    z.object({
      cluster: ClusterId,
      topic: TopicName,
      partitions: z.array(Partition).min(1).nullable().default(null),
      keyFormat: Format.default('text'),
      valueFormat: Format.default('text'),
      maxPayloadBytes: z
        .number()
        .int()
        .min(16)
        .max(1024 * 1024)
        .default(16 * 1024),
      maxPerUpdate: z.number().int().min(1).max(1000).default(200),
      intervalMs: z.number().int().min(50).max(10_000).default(250),
    }),
    result<{ tailId: string }>(),
  ),
  'messages/tailStop': op(z.object({ tailId: z.string().min(1) }), result<void>()),
  'messages/produce': op(
    z.object({
      cluster: ClusterId,
      topic: TopicName,
      partition: Partition.nullable().default(null),
      key: z.object({ text: z.string(), format: Format }).nullable().default(null),
      value: z.object({ text: z.string(), format: Format }).nullable().default(null),
      headers: z.array(z.object({ key: z.string().min(1), value: z.string() })).default([]),
      compression: z.enum(['none', 'gzip', 'snappy', 'lz4', 'zstd']).default('none'),
    }),
    result<ProduceResult>(),
  ),
  'records/delete': op(
    z.object({
      cluster: ClusterId,
      topic: TopicName,
      partitions: z.array(z.object({ partition: Partition, offset: Int64 })).min(1),
    }),
    result<{ partition: number; lowWatermark: string }[]>(),
  ),

  'groups/list': op(Cluster, result<GroupSummary[]>()),
  'groups/describe': op(z.object({ cluster: ClusterId, groupId: GroupId }), result<GroupDetail>()),
  'groups/resetOffsets.preview': op(ResetSpecSchema, result<OffsetChange[]>()),
  'groups/resetOffsets.apply': op(ResetSpecSchema, result<OffsetChange[]>()),
  'groups/delete': op(z.object({ cluster: ClusterId, groupId: GroupId }), result<void>()),
  'groups/deleteOffsets': op(
    z.object({
      cluster: ClusterId,
      groupId: GroupId,
      topics: z.array(z.object({ topic: TopicName, partitions: z.array(Partition).nullable() })).min(1),
    }),
    result<void>(),
  ),

  'quotas/list': op(Cluster, result<QuotaEntry[]>()),
  'quotas/alter': op(
    z.object({
      cluster: ClusterId,
      entity: QuotaEntity,
      set: z.record(z.string().min(1), z.number().min(0)).default({}),
      remove: z.array(z.string().min(1)).default([]),
    }),
    result<void>(),
  ),

  'acls/list': op(
    z.object({ cluster: ClusterId, filter: AclFilterSchema.nullable().default(null) }),
    result<AclBinding[]>(),
  ),
  'acls/create': op(
    z.object({ cluster: ClusterId, bindings: z.array(AclBindingSchema).min(1) }),
    result<void>(),
  ),
  'acls/delete': op(
    z.object({ cluster: ClusterId, filters: z.array(AclFilterSchema).min(1) }),
    result<AclBinding[]>(),
  ),

  'segments/list': op(z.object({ topic: TopicName, partition: Partition }), result<SegmentInfo[]>()),
  'segments/batches': op(
    z.object({
      topic: TopicName,
      partition: Partition,
      baseOffset: Int64,
      /** Byte position in the .log file to continue from (0 for the first page). */
      position: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(100),
    }),
    result<SegmentBatchPage>(),
  ),
  'segments/index': op(
    z.object({
      topic: TopicName,
      partition: Partition,
      baseOffset: Int64,
      kind: z.enum(['offset', 'time']),
      /** Entry number to start at. */
      from: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(10_000).default(500),
    }),
    result<SegmentIndexPage>(),
  ),
} as const

/** Events main sends to the renderer (no arguments to validate: main is the author). */
export interface Events {
  'broker/status': BrokerStatus
  'broker/log': LogLine[]
  'messages/tail': { tailId: string; update: TailUpdate }
}

export type Contract = typeof contract
export type OpName = keyof Contract
export type EventName = keyof Events
export type ArgsOf<N extends OpName> = z.input<Contract[N]['args']>
export type ParsedArgsOf<N extends OpName> = z.output<Contract[N]['args']>
export type ResultOf<N extends OpName> = Contract[N] extends Op<z.ZodType, infer R> ? R : never

export const opNames = Object.keys(contract) as OpName[]
export const eventNames: EventName[] = ['broker/status', 'broker/log', 'messages/tail']

/** A failed call as it crosses the boundary: a code to switch on and a sentence to show. */
export interface StrataErrorShape {
  code: string
  message: string
  details?: Record<string, unknown>
}

export type Envelope<R> = { ok: true; value: R } | { ok: false; error: StrataErrorShape }

/** The renderer's view of the whole API: one async function per operation, plus event subscription. */
export type StrataApi = { [N in OpName]: (args: ArgsOf<N>) => Promise<ResultOf<N>> }
