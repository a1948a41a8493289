// Kafka places a group on a __consumer_offsets partition by Java's String.hashCode of the group id, so a
// data directory (and tools that read it) agree with Kafka on where each group lives.

/** Java's String.hashCode: s[0]*31^(n-1) + ... + s[n-1] over UTF-16 code units, in int32 arithmetic. */
export function javaStringHashCode(s: string): number {
  let h = 0
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0
  return h
}

/** Kafka's Utils.abs: Math.abs, except Integer.MIN_VALUE maps to 0 (its absolute value overflows). */
function kafkaAbs(n: number): number {
  return n === -2147483648 ? 0 : Math.abs(n)
}

/** The __consumer_offsets partition that holds a group's metadata and offsets. */
export function offsetsPartitionFor(groupId: string, partitionCount: number): number {
  return kafkaAbs(javaStringHashCode(groupId)) % partitionCount
}
