// Runs one admin operation and turns whatever it throws into an AdminError.
import { toAdminError } from './errors.ts'

export async function run<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation()
  } catch (error) {
    throw toAdminError(error)
  }
}
