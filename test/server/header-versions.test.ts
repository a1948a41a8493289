import { describe, expect, it } from 'vitest'
import * as generated from '../../broker/protocol/generated/apis.ts'
import { requestHeaderVersion, responseHeaderVersion } from '../../broker/server/header-versions.ts'

describe('header versions', () => {
  it('match the generated API table for every API and version', () => {
    for (const a of Object.values(generated.apis)) {
      for (let v = a.minVersion; v <= a.maxVersion + 1; v++) {
        expect(requestHeaderVersion(a.key, v), `${a.name} v${v}`).toBe(
          generated.requestHeaderVersion(a.key, v),
        )
        expect(responseHeaderVersion(a.key, v), `${a.name} v${v}`).toBe(
          generated.responseHeaderVersion(a.key, v),
        )
      }
    }
  })
})
