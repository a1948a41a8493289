// Filtering and sorting for large tables, done once per change rather than per row render.
export type SortDir = 'asc' | 'desc'

export interface SortState<K extends string> {
  key: K
  dir: SortDir
}

// One collator for all comparisons: localeCompare with options builds one per call, which is slow for big lists.
const collator = new Intl.Collator(undefined, { numeric: true })

export function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0
  if (a === null || a === undefined) return 1
  if (b === null || b === undefined) return -1
  if (typeof a === 'number' && typeof b === 'number') return a - b
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : 1
  return collator.compare(String(a), String(b))
}

export function sortBy<T, K extends string>(
  rows: readonly T[],
  sort: SortState<K>,
  get: (row: T, key: K) => unknown,
): T[] {
  const sign = sort.dir === 'asc' ? 1 : -1
  return rows.slice().sort((a, b) => sign * compareValues(get(a, sort.key), get(b, sort.key)))
}

export function toggleSort<K extends string>(current: SortState<K>, key: K): SortState<K> {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' }
  return { key, dir: 'asc' }
}

/** Case-insensitive substring filter; a filter wrapped in slashes is a regular expression. */
export function makeMatcher(filter: string): (text: string) => boolean {
  const f = filter.trim()
  if (!f) return () => true
  if (f.length > 2 && f.startsWith('/') && f.endsWith('/')) {
    try {
      const re = new RegExp(f.slice(1, -1), 'i')
      return (text) => re.test(text)
    } catch {
      // An unfinished expression falls back to a plain search.
    }
  }
  const needle = f.toLowerCase()
  return (text) => text.toLowerCase().includes(needle)
}
