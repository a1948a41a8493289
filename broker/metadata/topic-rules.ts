// Kafka's rules for topic names and ids (org.apache.kafka.common.internals.Topic, Uuid).
import { randomBytes } from 'node:crypto'

export const MAX_TOPIC_NAME_LENGTH = 249
const LEGAL = /^[a-zA-Z0-9._-]+$/
export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA'

/** Null when `name` is a legal topic name, else why not (Kafka's wording). */
export function topicNameProblem(name: string): string | null {
  if (name.length === 0) return "Topic name is illegal, it can't be empty"
  if (name === '.' || name === '..') return 'Topic name cannot be "." or ".."'
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return `Topic name is illegal, it can't be longer than ${MAX_TOPIC_NAME_LENGTH} characters, topic name: ${name}`
  }
  if (!LEGAL.test(name)) {
    return `Topic name "${name}" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`
  }
  return null
}

/** '.' and '_' collide in metric names, so Kafka refuses topics that differ only by them. */
export function collisionKey(name: string): string {
  return name.replaceAll('.', '_')
}

export function isInternalTopic(name: string): boolean {
  return name === '__consumer_offsets' || name === '__transaction_state'
}

/** A new random topic id: never the zero UUID, never one whose text starts with '-' (as Kafka does). */
export function newTopicId(inUse: (id: string) => boolean): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (id !== ZERO_UUID && !id.startsWith('-') && !inUse(id)) return id
  }
}
