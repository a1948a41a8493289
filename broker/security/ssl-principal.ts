// The principal of a client authenticated by its TLS certificate, as Kafka builds it: the certificate's
// subject in RFC 2253 form (`CN=alice,OU=dev,O=acme`), run through `ssl.principal.mapping.rules`
// (Kafka's SslPrincipalMapper: comma-separated `DEFAULT` and `RULE:pattern/replacement/[L|U]` entries,
// the first rule whose pattern matches the whole subject wins; no match fails authentication).
import type { X509Certificate } from 'node:crypto'
import { ListenerConfigError } from '../server/listener-specs.ts'

/**
 * The subject distinguished name in RFC 2253 order (most specific first, `+` between the parts of a
 * multi-valued RDN). Node gives it most-general first, one RDN a line, already escaped per RFC 2253.
 */
export function rfc2253Subject(cert: X509Certificate): string {
  return cert.subject
    .split('\n')
    .reverse()
    .map((rdn) => rdn.replace(/(?<!\\) \+ /g, '+'))
    .join(',')
}

type Rule = (dn: string) => string | null

// One entry as Kafka's parser reads it: DEFAULT, or RULE: pattern / replacement / optional L or U, where
// `\` escapes a character (so `\/` is a slash inside the pattern).
const RULE = /^(?:(DEFAULT)|RULE:((?:\\.|[^\\/])*)\/((?:\\.|[^\\/])*)\/([LU]?))$/s
const ENTRY = /\s*(DEFAULT|RULE:(?:\\.|[^\\/])*\/(?:\\.|[^\\/])*\/[LU]?|[^,]*?)\s*(?:,|$)/gy

/** Java's replaceAll replacement: `$n` is group n (a number past the groups shortens, else literal), `\x` is x. */
function javaReplacement(replacement: string, groups: number): (match: string, ...args: unknown[]) => string {
  return (match, ...args) => {
    let out = ''
    for (let i = 0; i < replacement.length; i++) {
      const c = replacement[i] as string
      if (c === '\\' && i + 1 < replacement.length) {
        out += replacement[++i]
      } else if (c === '$' && /\d/.test(replacement[i + 1] ?? '')) {
        let digits = /^\d+/.exec(replacement.slice(i + 1))?.[0] as string
        while (Number(digits) > groups && digits.length > 1) digits = digits.slice(0, -1)
        const n = Number(digits)
        if (n > groups) {
          out += c
          continue
        }
        out += n === 0 ? match : ((args[n - 1] as string | undefined) ?? '')
        i += digits.length
      } else {
        out += c
      }
    }
    return out
  }
}

function parseRule(entry: string): Rule {
  const m = RULE.exec(entry)
  if (!m) throw new ListenerConfigError(`ssl.principal.mapping.rules: invalid rule '${entry}'`)
  if (m[1]) return (dn) => dn
  const source = m[2] as string
  let whole: RegExp
  let all: RegExp
  try {
    whole = new RegExp(`^(?:${source})$`, 's')
    all = new RegExp(source, 'gs')
  } catch (err) {
    throw new ListenerConfigError(
      `ssl.principal.mapping.rules: bad pattern in '${entry}': ${(err as Error).message}`,
    )
  }
  const groups = (new RegExp(`${source}|`).exec('') as RegExpExecArray).length - 1
  const replace = javaReplacement(m[3] as string, groups)
  const caseOf = m[4]
  return (dn) => {
    if (!whole.test(dn)) return null
    const name = dn.replace(all, replace)
    return caseOf === 'L' ? name.toLowerCase() : caseOf === 'U' ? name.toUpperCase() : name
  }
}

/**
 * Parses `ssl.principal.mapping.rules` into a mapper from subject to principal name (null when no rule
 * applies). Throws ListenerConfigError on a malformed rule or pattern.
 */
export function sslPrincipalMapper(rules: string): (dn: string) => string | null {
  const parsed: Rule[] = []
  const text = rules.trim()
  ENTRY.lastIndex = 0
  while (ENTRY.lastIndex < text.length) {
    const m = ENTRY.exec(text)
    if (!m) break
    const entry = m[1] as string
    if (entry !== '') parsed.push(parseRule(entry))
  }
  if (parsed.length === 0) throw new ListenerConfigError('ssl.principal.mapping.rules: no rule given')
  return (dn) => {
    for (const rule of parsed) {
      const name = rule(dn)
      if (name !== null) return name
    }
    return null
  }
}
