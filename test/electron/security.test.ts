import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import {
  CONTENT_SECURITY_POLICY,
  checkExternalUrl,
  isTrustedSender,
  shouldPreventNavigation,
  windowOpenDecision,
  windowOptions,
  withCspHeader,
  type AppLocation,
} from '../../electron/main/security.ts'

const fileApp: AppLocation = { kind: 'file', path: '/opt/Strata/resources/app/out/renderer/index.html' }
const devApp: AppLocation = { kind: 'url', origin: 'http://localhost:5173' }

describe('window hardening', () => {
  it('keeps sandbox, context isolation and the other webPreferences locked down', () => {
    const prefs = windowOptions('/app/preload.cjs').webPreferences!
    expect(prefs).toMatchObject({
      preload: '/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      navigateOnDragDrop: false,
      experimentalFeatures: false,
    })
  })

  it('has a strict CSP: own scripts only, no eval, no plugins, no framing', () => {
    const directives = new Map(
      CONTENT_SECURITY_POLICY.split(';').map((d) => {
        const [name, ...values] = d.trim().split(/\s+/)
        return [name!, values]
      }),
    )
    expect(directives.get('default-src')).toEqual(["'self'"])
    expect(directives.get('script-src')).toEqual(["'self'"])
    expect(directives.get('object-src')).toEqual(["'none'"])
    expect(directives.get('frame-ancestors')).toEqual(["'none'"])
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval/)
    expect(directives.get('script-src')).not.toContain("'unsafe-inline'")
  })

  it('sets the CSP header on every response, replacing any other', () => {
    const headers = withCspHeader({ 'content-security-policy': ['default-src *'], 'X-Other': ['1'] })
    expect(headers['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY])
    expect(headers['content-security-policy']).toBeUndefined()
    expect(headers['X-Other']).toEqual(['1'])
  })

  it('the renderer page carries a CSP meta tag too', () => {
    const html = readFileSync(path.resolve('renderer/index.html'), 'utf8')
    expect(html).toMatch(/http-equiv="Content-Security-Policy"/)
    expect(html).toMatch(/script-src 'self'/)
  })
})

describe('navigation and new windows', () => {
  it('refuses every navigation away from the app', () => {
    expect(shouldPreventNavigation('https://evil.example/', fileApp)).toBe(true)
    expect(shouldPreventNavigation('file:///etc/passwd', fileApp)).toBe(true)
    expect(shouldPreventNavigation('https://evil.example/', devApp)).toBe(true)
    expect(shouldPreventNavigation('http://localhost:5173/#/topics', devApp)).toBe(false)
  })

  it('never opens a window; http(s) links go to the system browser, others nowhere', () => {
    const open = vi.fn()
    expect(windowOpenDecision('https://kafka.apache.org/documentation/', open)).toEqual({ action: 'deny' })
    expect(open).toHaveBeenCalledWith('https://kafka.apache.org/documentation/')
    open.mockClear()
    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'smb://host/share', 'not a url']) {
      expect(windowOpenDecision(url, open)).toEqual({ action: 'deny' })
    }
    expect(open).not.toHaveBeenCalled()
  })

  it('openExternal accepts only plain http(s) URLs', () => {
    expect(checkExternalUrl('https://example.com/a?b=c')).toEqual({
      ok: true,
      url: 'https://example.com/a?b=c',
    })
    expect(checkExternalUrl('http://example.com').ok).toBe(true)
    expect(checkExternalUrl('file:///etc/passwd').ok).toBe(false)
    expect(checkExternalUrl('javascript:alert(1)').ok).toBe(false)
    expect(checkExternalUrl('https://user:pw@example.com').ok).toBe(false)
    expect(checkExternalUrl('https://' + 'a'.repeat(3000) + '.com').ok).toBe(false)
    expect(checkExternalUrl('mailto:a@b.c').ok).toBe(false)
  })
})

describe('IPC sender check', () => {
  const appUrl = 'file:///opt/Strata/resources/app/out/renderer/index.html'
  it('accepts only the app page in the top-level frame', () => {
    expect(isTrustedSender({ url: appUrl, parent: null }, fileApp)).toBe(true)
    expect(isTrustedSender({ url: appUrl + '#/topics', parent: null }, fileApp)).toBe(true)
    expect(isTrustedSender({ url: appUrl, parent: {} }, fileApp)).toBe(false)
    expect(isTrustedSender({ url: 'file:///tmp/evil.html', parent: null }, fileApp)).toBe(false)
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null }, fileApp)).toBe(false)
    expect(isTrustedSender(null, fileApp)).toBe(false)
    const spaced: AppLocation = { kind: 'file', path: '/home/zoë/My Apps/out/renderer/index.html' }
    expect(
      isTrustedSender(
        { url: 'file:///home/zo%C3%AB/My%20Apps/out/renderer/index.html', parent: null },
        spaced,
      ),
    ).toBe(true)
    expect(
      isTrustedSender(
        { url: 'file://evil-host/opt/Strata/resources/app/out/renderer/index.html', parent: null },
        fileApp,
      ),
    ).toBe(false)
    expect(isTrustedSender({ url: 'http://localhost:5173/', parent: null }, devApp)).toBe(true)
    expect(isTrustedSender({ url: 'http://localhost:5174/', parent: null }, devApp)).toBe(false)
  })
})

describe('main process wiring', () => {
  // The pure functions above only protect the app if main/index.ts uses them.
  const main = readFileSync(path.resolve('electron/main/index.ts'), 'utf8')
  it.each([
    ['the hardened window options', 'new BrowserWindow(windowOptions('],
    ['the navigation guard', "'will-navigate'"],
    ['the redirect guard', "'will-redirect'"],
    ['the window-open handler', 'setWindowOpenHandler('],
    ['the CSP header', 'withCspHeader('],
    ['the permission refusal', 'setPermissionRequestHandler('],
    ['the IPC sender check', 'registerIpc('],
    ['webview refusal', "'will-attach-webview'"],
  ])('uses %s', (_what, needle) => {
    expect(main).toContain(needle)
  })
})
