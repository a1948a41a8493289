// Client quota keys (Kafka's names) and how they are shown and entered.
export interface QuotaKeyInfo {
  key: string
  label: string
  unit: string
}

export const QUOTA_KEYS: readonly QuotaKeyInfo[] = [
  { key: 'producer_byte_rate', label: 'Produce rate', unit: 'bytes/s' },
  { key: 'consumer_byte_rate', label: 'Fetch rate', unit: 'bytes/s' },
  { key: 'request_percentage', label: 'Request time', unit: '%' },
  { key: 'controller_mutation_rate', label: 'Controller mutations', unit: 'mutations/s' },
  { key: 'connection_creation_rate', label: 'Connection creation', unit: 'connections/s' },
]

export function quotaUnit(key: string): string {
  return QUOTA_KEYS.find((k) => k.key === key)?.unit ?? ''
}

export function checkQuotaValue(key: string, raw: string): string | null {
  const n = Number(raw)
  if (raw.trim() === '' || !Number.isFinite(n)) return 'Enter a number.'
  if (n <= 0) return 'Must be greater than 0.'
  if (key === 'request_percentage' && n > 100 * 1024) return 'Too large.'
  return null
}
