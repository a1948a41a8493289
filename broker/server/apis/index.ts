// Every API handler the broker serves, one import per file (ApiVersions advertises exactly these).
// To add an API: create NN-name.ts default-exporting `api(...)` and add one line here.
import type { ApiHandler } from '../registry.ts'
import metadata from './03-metadata.ts'
import apiVersions from './18-api-versions.ts'
import createTopics from './19-create-topics.ts'
import deleteTopics from './20-delete-topics.ts'
import createPartitions from './37-create-partitions.ts'

export const handlers: ApiHandler<unknown, unknown>[] = [
  metadata,
  apiVersions,
  createTopics,
  deleteTopics,
  createPartitions,
]
