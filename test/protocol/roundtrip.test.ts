// decode(encode(x)) deep-equals x for every generated message (all requests and responses, headers,
// consumer protocol, coordinator and metadata records) at every version, and re-encoding the decoded
// value gives the same bytes.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MESSAGE_META } from '../../broker/protocol/generated/schema-meta.ts'
import { Reader } from '../../broker/protocol/primitives/reader.ts'
import { Writer } from '../../broker/protocol/primitives/writer.ts'
import { MessageArbitraries, loadCodec } from './arbitraries.ts'

const RUNS = 10

describe.each(['request', 'response', 'header', 'data', 'metadata'] as const)('%s round trips', (kind) => {
  const messages = MESSAGE_META.filter((m) => m.kind === kind)

  it.each(messages.map((m) => [m.name, m] as const))('%s: every version', async (_name, m) => {
    const codec = await loadCodec(m)
    const arbs = new MessageArbitraries(m)
    for (let v = m.minVersion; v <= m.maxVersion; v++) {
      fc.assert(
        fc.property(arbs.message(v), (x) => {
          const w = new Writer(64)
          codec.encode(w, x, v)
          const bytes = w.toBuffer()
          const r = new Reader(bytes)
          const decoded = codec.decode(r, v)
          expect(r.remaining).toBe(0)
          expect(decoded).toEqual(x)
          const w2 = new Writer(64)
          codec.encode(w2, decoded, v)
          expect(w2.toBuffer().equals(bytes)).toBe(true)
        }),
        { numRuns: RUNS, seed: 0x5eed + v, endOnFailure: true },
      )
    }
  })
})
