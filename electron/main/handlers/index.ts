// Every contract entry's handler, one table per domain. The `Handlers` type makes a missing entry a
// compile error; test/electron/contract.test.ts checks the same at run time.
import { appHandlers } from './app.ts'
import { brokerHandlers } from './broker.ts'
import { connectionHandlers } from './connections.ts'
import type { Handlers } from './context.ts'
import { groupHandlers } from './groups.ts'
import { messageHandlers } from './messages.ts'
import { securityHandlers } from './security.ts'
import { segmentHandlers } from './segments.ts'
import { topicHandlers } from './topics.ts'

export const handlers: Handlers = {
  ...appHandlers,
  ...brokerHandlers,
  ...connectionHandlers,
  ...topicHandlers,
  ...messageHandlers,
  ...groupHandlers,
  ...securityHandlers,
  ...segmentHandlers,
}
