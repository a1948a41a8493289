// Certificate subjects in RFC 2253 form and Kafka's ssl.principal.mapping.rules (SslPrincipalMapper).
import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { rfc2253Subject, sslPrincipalMapper } from '../../broker/security/ssl-principal.ts'
import { ListenerConfigError } from '../../broker/server/listener-specs.ts'

function certWithSubject(subject: string): X509Certificate {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strata-dn-'))
  try {
    const out = path.join(dir, 'cert.pem')
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes']
        .concat(['-keyout', path.join(dir, 'key.pem'), '-out', out, '-days', '1', '-subj', subject])
        .concat(['-multivalue-rdn']),
      { stdio: 'ignore' },
    )
    return new X509Certificate(fs.readFileSync(out))
  } finally {
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

describe('rfc2253Subject', () => {
  it('puts the most specific RDN first, joined by commas', () => {
    expect(rfc2253Subject(certWithSubject('/C=US/O=acme/OU=dev/CN=alice'))).toBe(
      'CN=alice,OU=dev,O=acme,C=US',
    )
  })

  it('keeps escaped commas and joins a multi-valued RDN with +', () => {
    expect(rfc2253Subject(certWithSubject('/O=acme/CN=smith\\, bob+UID=bob'))).toBe(
      'CN=smith\\, bob+UID=bob,O=acme',
    )
  })
})

describe('sslPrincipalMapper', () => {
  const dn = 'CN=Alice,OU=dev,O=acme'

  it('DEFAULT keeps the whole subject', () => {
    expect(sslPrincipalMapper('DEFAULT')(dn)).toBe(dn)
  })

  it('RULE maps with groups, /L and /U, the first matching rule wins', () => {
    expect(sslPrincipalMapper('RULE:^CN=(.*?),.*$/$1/')(dn)).toBe('Alice')
    expect(sslPrincipalMapper('RULE:^CN=(.*?),.*$/$1/L')(dn)).toBe('alice')
    expect(sslPrincipalMapper('RULE:^CN=(.*?),.*$/$1/U')(dn)).toBe('ALICE')
    const rules = 'RULE:^CN=(.*?),OU=ops,.*$/ops-$1/, RULE:^CN=(.*?),OU=(.*?),O=(.*?)$/$1@$3/L, DEFAULT'
    expect(sslPrincipalMapper(rules)(dn)).toBe('alice@acme')
    expect(sslPrincipalMapper(rules)('CN=x,OU=ops,O=acme')).toBe('ops-x')
    expect(sslPrincipalMapper(rules)('CN=only')).toBe('CN=only')
  })

  it('returns null when no rule applies (the pattern must match the whole subject)', () => {
    expect(sslPrincipalMapper('RULE:^CN=(.*?),OU=ops$/$1/')(dn)).toBeNull()
    expect(sslPrincipalMapper('RULE:CN=Alice/x/')(dn)).toBeNull()
  })

  it('treats a $n past the groups as literal and \\x as x, as Java does', () => {
    expect(sslPrincipalMapper('RULE:^CN=(.*?),.*$/$1\\$$2/')(dn)).toBe('Alice$$2')
    expect(sslPrincipalMapper('RULE:^CN=(.*?),.*$/$12/')(dn)).toBe('Alice2')
  })

  it('refuses malformed rules and patterns', () => {
    expect(() => sslPrincipalMapper('RULE:^CN=(.*?)/$1')).toThrow(ListenerConfigError)
    expect(() => sslPrincipalMapper('RULE:^CN=(.*?),.*$/$1/X')).toThrow(/invalid rule/)
    expect(() => sslPrincipalMapper('DEFAULT, NOPE')).toThrow(/invalid rule 'NOPE'/)
    expect(() => sslPrincipalMapper('RULE:^CN=(.*,.*$/$1/')).toThrow(/bad pattern/)
    expect(() => sslPrincipalMapper('  ')).toThrow(/no rule/)
  })
})
