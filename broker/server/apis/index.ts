// Every API handler the broker serves, one import per file (ApiVersions advertises exactly these).
// To add an API: create NN-name.ts default-exporting `api(...)` and add one line here.
import type { ApiHandler } from '../registry.ts'
import apiVersions from './18-api-versions.ts'

export const handlers: ApiHandler<unknown, unknown>[] = [apiVersions]
