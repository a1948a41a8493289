// Kafka's topic name rules (kafka.common.internals.Topic): checked as the user types.
export const MAX_TOPIC_NAME_LENGTH = 249
const LEGAL = /^[a-zA-Z0-9._-]+$/

export interface TopicNameCheck {
  error: string | null
  warning: string | null
}

/** Kafka maps '.' to '_' in metric names, so two topics differing only there collide. */
export function collisionKey(name: string): string {
  return name.replaceAll('.', '_')
}

export function checkTopicName(name: string, existing: Iterable<string> = []): TopicNameCheck {
  if (name.length === 0) return { error: 'Enter a topic name.', warning: null }
  if (name === '.' || name === '..')
    return { error: `'${name}' is not allowed as a topic name.`, warning: null }
  if (name.length > MAX_TOPIC_NAME_LENGTH) {
    return { error: `At most ${MAX_TOPIC_NAME_LENGTH} characters (now ${name.length}).`, warning: null }
  }
  if (!LEGAL.test(name)) {
    const bad = [...new Set([...name].filter((c) => !/[a-zA-Z0-9._-]/.test(c)))].join(' ')
    return { error: `Only letters, digits, '.', '_' and '-' are allowed (found: ${bad}).`, warning: null }
  }
  const key = collisionKey(name)
  for (const other of existing) {
    if (other === name) return { error: `Topic '${name}' already exists.`, warning: null }
    if (collisionKey(other) === key) {
      return {
        error: null,
        warning: `Collides with '${other}': '.' and '_' are the same in metric names.`,
      }
    }
  }
  if (name.includes('.') || name.includes('_')) {
    return { error: null, warning: "Names with '.' or '_' can collide in metric names; use one, not both." }
  }
  return { error: null, warning: null }
}
