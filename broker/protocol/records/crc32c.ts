import { crc32c as nativeCrc32c } from '@node-rs/crc32'

/** CRC-32C (Castagnoli) of `buf`, as Kafka's record batch v2 uses it; SIMD-accelerated native code. */
export function crc32c(buf: Uint8Array): number {
  return nativeCrc32c(buf) >>> 0
}
