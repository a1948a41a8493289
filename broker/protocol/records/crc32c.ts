import { createRequire } from 'node:module'
import type * as Crc32 from '@node-rs/crc32'

// The native package loads on the first checksum, not at import: finding and opening its binary costs
// ~10 ms, and a broker on an empty data directory computes no checksum before it is ready.
const require = createRequire(import.meta.url)
let native: typeof Crc32.crc32c | undefined

/**
 * CRC-32C (Castagnoli) of `buf`, as Kafka's record batch v2 uses it; SIMD-accelerated native code.
 * `initial` continues a checksum over data that arrives in parts.
 */
export function crc32c(buf: Uint8Array, initial = 0): number {
  native ??= (require('@node-rs/crc32') as typeof Crc32).crc32c
  return native(buf, initial) >>> 0
}
