// Connection passwords encrypted with Electron's safeStorage (the OS keychain's key) in a file under the
// app's user-data folder. Without OS encryption (some Linux desktops), passwords stay in memory only
// and `persistent` says so; they are never written in plain text.
import type { SafeStorage } from 'electron'
import { readJson, writeJson } from '../services/json-file.ts'
import { MemorySecretStore, type SecretStore } from '../services/secret-store.ts'

type Crypto = Pick<SafeStorage, 'isEncryptionAvailable' | 'encryptString' | 'decryptString'>

export class SafeStorageSecretStore implements SecretStore {
  readonly #file: string
  readonly #crypto: Crypto
  readonly #fallback = new MemorySecretStore()

  constructor(file: string, crypto: Crypto) {
    this.#file = file
    this.#crypto = crypto
  }

  get persistent(): boolean {
    return this.#crypto.isEncryptionAvailable()
  }

  async get(id: string): Promise<string | null> {
    if (!this.persistent) return this.#fallback.get(id)
    const all = await readJson<Record<string, string>>(this.#file, {})
    const sealed = all[id]
    if (sealed === undefined) return null
    try {
      return this.#crypto.decryptString(Buffer.from(sealed, 'base64'))
    } catch {
      return null
    }
  }

  async set(id: string, secret: string): Promise<void> {
    if (!this.persistent) return this.#fallback.set(id, secret)
    const all = await readJson<Record<string, string>>(this.#file, {})
    all[id] = this.#crypto.encryptString(secret).toString('base64')
    await writeJson(this.#file, all)
  }

  async delete(id: string): Promise<void> {
    if (!this.persistent) return this.#fallback.delete(id)
    const all = await readJson<Record<string, string>>(this.#file, {})
    if (!(id in all)) return
    delete all[id]
    await writeJson(this.#file, all)
  }
}
