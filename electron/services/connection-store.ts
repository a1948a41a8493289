// Saved external cluster connections. The configs go to a JSON file (no secrets in it); passwords go to
// the SecretStore. With no file (tests), configs live in memory.
import type { ConnectionConfig } from '../../broker/client/types.ts'
import type { ConnectionView } from '../contract.ts'
import { BUNDLED } from '../contract.ts'
import { AdminError } from '../../broker/client/errors.ts'
import { readJson, writeJson } from './json-file.ts'
import type { SecretStore } from './secret-store.ts'

export class ConnectionStore {
  readonly #file: string | null
  readonly secrets: SecretStore
  #configs: ConnectionConfig[] | null = null

  constructor(file: string | null, secrets: SecretStore) {
    this.#file = file
    this.secrets = secrets
  }

  async #load(): Promise<ConnectionConfig[]> {
    if (this.#configs === null)
      this.#configs = this.#file ? await readJson<ConnectionConfig[]>(this.#file, []) : []
    return this.#configs
  }

  async list(): Promise<ConnectionView[]> {
    const configs = await this.#load()
    return Promise.all(
      configs.map(async (config) => ({ config, hasPassword: (await this.secrets.get(config.id)) !== null })),
    )
  }

  async get(id: string): Promise<ConnectionConfig | null> {
    return (await this.#load()).find((c) => c.id === id) ?? null
  }

  /** `password`: a string sets it, null removes it, undefined keeps the stored one. */
  async save(config: ConnectionConfig, password: string | null | undefined): Promise<ConnectionView> {
    if (config.id === BUNDLED)
      throw new AdminError('invalid-argument', `"${BUNDLED}" is reserved for the bundled broker.`)
    const configs = await this.#load()
    const next = [...configs.filter((c) => c.id !== config.id), config]
    if (this.#file) await writeJson(this.#file, next)
    this.#configs = next
    if (typeof password === 'string') await this.secrets.set(config.id, password)
    else if (password === null) await this.secrets.delete(config.id)
    return { config, hasPassword: (await this.secrets.get(config.id)) !== null }
  }

  async delete(id: string): Promise<void> {
    const configs = await this.#load()
    const next = configs.filter((c) => c.id !== id)
    if (this.#file) await writeJson(this.#file, next)
    this.#configs = next
    await this.secrets.delete(id)
  }
}
