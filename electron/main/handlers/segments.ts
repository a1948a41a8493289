// Segment inspection reads the bundled broker's data directory (read-only); external clusters have none.
import { listSegments, readSegmentBatches, readSegmentIndex } from '../../../broker/client/segments.ts'
import type { HandlerTable } from './context.ts'

export const segmentHandlers: HandlerTable<'segments/list' | 'segments/batches' | 'segments/index'> = {
  'segments/list': async ({ topic, partition }, ctx) =>
    listSegments(ctx.supervisor.status().settings.dataDir, topic, partition),
  'segments/batches': async (spec, ctx) => readSegmentBatches(ctx.supervisor.status().settings.dataDir, spec),
  'segments/index': async (spec, ctx) => readSegmentIndex(ctx.supervisor.status().settings.dataDir, spec),
}
