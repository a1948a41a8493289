// Reads the topic list out of a consumer-protocol subscription (the JoinGroup metadata of protocol type
// "consumer"): int16 version, then an array of int16-length strings. Every version so far starts this way.
// The coordinator needs only the topics (OffsetDelete's GROUP_SUBSCRIBED_TO_TOPIC, offset retention).

/** The subscribed topics, or null when the bytes are not a readable subscription. */
export function subscribedTopics(metadata: Uint8Array): string[] | null {
  const buf = Buffer.from(metadata.buffer, metadata.byteOffset, metadata.byteLength)
  if (buf.length < 6) return null
  const count = buf.readInt32BE(2)
  if (count < 0 || count > (buf.length - 6) / 2) return null
  const topics: string[] = []
  let pos = 6
  for (let i = 0; i < count; i++) {
    if (pos + 2 > buf.length) return null
    const len = buf.readInt16BE(pos)
    pos += 2
    if (len < 0 || pos + len > buf.length) return null
    topics.push(buf.toString('utf8', pos, pos + len))
    pos += len
  }
  return topics
}
