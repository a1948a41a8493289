// Runs one contract call from any transport (IPC or WebSocket): checks the name, validates the arguments
// with the entry's schema, runs the handler, and answers with an envelope so structured errors survive
// the boundary (Electron's invoke would flatten a thrown error into a string).
import { z } from 'zod'
import { AdminError } from '../../broker/client/errors.ts'
import { contract, type Envelope, type OpName, type StrataErrorShape } from '../contract.ts'
import type { HandlerContext, Handlers } from './handlers/context.ts'

export type Dispatch = (name: string, args: unknown) => Promise<Envelope<unknown>>

function isOpName(name: string): name is OpName {
  return Object.hasOwn(contract, name)
}

/** A readable sentence from zod issues: "partitions: Too small: expected number to be >=1". */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ')
}

export function toErrorShape(error: unknown): StrataErrorShape {
  if (error instanceof AdminError)
    return { code: error.code, message: error.message, ...(error.details ? { details: error.details } : {}) }
  if (error instanceof z.ZodError)
    return {
      code: 'invalid-argument',
      message: `Invalid arguments: ${describeIssues(error)}`,
      details: { issues: error.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
    }
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) }
}

export function createDispatcher(handlers: Handlers, ctx: HandlerContext): Dispatch {
  return async (name, args) => {
    if (!isOpName(name))
      return { ok: false, error: { code: 'unknown-operation', message: `No operation named "${name}".` } }
    const parsed = contract[name].args.safeParse(args ?? {})
    if (!parsed.success) return { ok: false, error: toErrorShape(parsed.error) }
    try {
      const handler = handlers[name] as (args: unknown, ctx: HandlerContext) => Promise<unknown>
      return { ok: true, value: await handler(parsed.data, ctx) }
    } catch (error) {
      return { ok: false, error: toErrorShape(error) }
    }
  }
}
