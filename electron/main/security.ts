// Electron hardening as pure functions, so tests fail if any of it is switched off: the window's
// webPreferences, the CSP, navigation and window-open refusal, the openExternal URL check, and the IPC
// sender check. main/index.ts only wires these to Electron's events.
import { pathToFileURL } from 'node:url'
import type { BrowserWindowConstructorOptions } from 'electron'

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' ws://127.0.0.1:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
].join('; ')

export function windowOptions(preloadPath: string): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 500,
    show: false,
    title: 'Strata',
    webPreferences: {
      preload: preloadPath,
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
      safeDialogs: true,
      spellcheck: false,
    },
  }
}

/** Where the app's own page is loaded from: the built file, or the dev server in development. */
export type AppLocation = { kind: 'file'; path: string } | { kind: 'url'; origin: string }

function parse(url: string): URL | null {
  try {
    return new URL(url)
  } catch {
    return null
  }
}

/** True when `url` is the app's own page (query and hash may differ). */
export function isAppUrl(url: string, app: AppLocation): boolean {
  const parsed = parse(url)
  if (!parsed) return false
  if (app.kind === 'url') return parsed.origin === app.origin
  if (parsed.protocol !== 'file:' || parsed.host !== '') return false
  return decodeURIComponent(parsed.pathname) === decodeURIComponent(pathToFileURL(app.path).pathname)
}

/** A frame as Electron describes the sender of an IPC message (WebFrameMain's relevant fields). */
export interface SenderFrame {
  url: string
  /** null for the top-level frame. */
  parent: unknown
}

/** Only the app's own top-level page may call the API; iframes and foreign pages may not. */
export function isTrustedSender(frame: SenderFrame | null | undefined, app: AppLocation): boolean {
  if (!frame) return false
  if (frame.parent !== null) return false
  return isAppUrl(frame.url, app)
}

/** will-navigate: the app is a single page; every navigation away is refused. */
export function shouldPreventNavigation(url: string, app: AppLocation): boolean {
  const parsed = parse(url)
  const current = app.kind === 'url' ? parse(app.origin) : null
  // A reload of the dev server page keeps the same origin; anything else is refused.
  if (current && parsed && parsed.origin === current.origin) return false
  return true
}

export type ExternalUrlCheck = { ok: true; url: string } | { ok: false; reason: string }

/** URLs handed to shell.openExternal: http(s) only, with a host, no credentials, reasonable length. */
export function checkExternalUrl(url: string): ExternalUrlCheck {
  if (url.length > 2048) return { ok: false, reason: 'The link is too long to open.' }
  const parsed = parse(url)
  if (!parsed) return { ok: false, reason: 'The link is not a valid URL.' }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return { ok: false, reason: `Only http and https links open in the browser (not ${parsed.protocol}).` }
  if (!parsed.hostname) return { ok: false, reason: 'The link has no host.' }
  if (parsed.username || parsed.password)
    return { ok: false, reason: 'Links with a user name or password are not opened.' }
  return { ok: true, url: parsed.toString() }
}

/**
 * setWindowOpenHandler: no new Electron windows, ever. A checked http(s) link goes to the system
 * browser instead (through `openExternal`).
 */
export function windowOpenDecision(url: string, openExternal: (url: string) => void): { action: 'deny' } {
  const checked = checkExternalUrl(url)
  if (checked.ok) openExternal(checked.url)
  return { action: 'deny' }
}

/** Adds the CSP to every response the window loads (also covers the dev server). */
export function withCspHeader(headers: Record<string, string[]> | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [name, value] of Object.entries(headers ?? {}))
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value
  out['Content-Security-Policy'] = [CONTENT_SECURITY_POLICY]
  return out
}
