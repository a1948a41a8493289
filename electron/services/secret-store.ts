// Where connection passwords live. The desktop app keeps them encrypted with Electron's safeStorage
// (see main/safe-storage-secrets.ts); web mode keeps them in memory only and says so in the UI.

export interface SecretStore {
  /** False when passwords are forgotten when the process ends (web mode). */
  readonly persistent: boolean
  get(id: string): Promise<string | null>
  set(id: string, secret: string): Promise<void>
  delete(id: string): Promise<void>
}

export class MemorySecretStore implements SecretStore {
  readonly persistent = false
  readonly #secrets = new Map<string, string>()

  async get(id: string): Promise<string | null> {
    return this.#secrets.get(id) ?? null
  }

  async set(id: string, secret: string): Promise<void> {
    this.#secrets.set(id, secret)
  }

  async delete(id: string): Promise<void> {
    this.#secrets.delete(id)
  }
}
