// Turns errors from the back end into a message and a hint about what to do.
export interface ErrorInfo {
  message: string
  hint: string | null
}

const HINTS: [RegExp, string][] = [
  [
    /Unsupported API|UNSUPPORTED_VERSION/i,
    'This cluster does not offer this feature (its brokers lack the API or version).',
  ],
  [
    /ECONNREFUSED|connect|unreachable|not connected|closed/i,
    'Check that the broker is running (Connections) and reachable.',
  ],
  [/TOPIC_ALREADY_EXISTS|already exists/i, 'Choose another name.'],
  [/UNKNOWN_TOPIC|does not exist|not found/i, 'It may have been deleted; refresh the list.'],
  [/INVALID_PARTITIONS|partition/i, 'Check the partition count.'],
  [/INVALID_REPLICATION_FACTOR|replication/i, 'The replication factor cannot exceed the number of brokers.'],
  [/INVALID_CONFIG|config/i, 'Check the config value against its allowed range.'],
  [
    /NON_EMPTY_GROUP|GROUP.*(ACTIVE|EMPTY)|members/i,
    'Stop the group\u2019s consumers first; offsets can only change while the group is empty.',
  ],
  [/AUTHORIZATION|denied|authori[sz]/i, 'Your principal lacks the needed ACL.'],
  [/timeout|timed out/i, 'The cluster took too long to answer; try again.'],
  [/token|unauthori/i, 'Open the console with the URL printed by `npm run web` (it carries the token).'],
]

export function describeError(error: unknown): ErrorInfo {
  const message =
    error instanceof Error
      ? error.message
      : typeof error === 'string'
        ? error
        : error
          ? JSON.stringify(error)
          : ''
  const hint = HINTS.find(([re]) => re.test(message))?.[1] ?? null
  return { message: message || 'Unknown error', hint }
}
