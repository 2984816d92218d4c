/** Errors across the thread boundary: re-created on the other side as the same named classes with their codes. */
import * as runtimeErrors from '../errors/runtime-errors.js';

/** An error as structured clone carries it: its class name, message, stack and plain own fields (`code`, …). */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, string | number | boolean | null>;
}

/** The classes callers branch on, by the name their instances carry (`this.name = new.target.name`). */
const CLASSES: Readonly<Record<string, { prototype: Error }>> = runtimeErrors;

/**
 * Any thrown value as a {@link WireError}.
 *
 * @example
 * toWireError(new ModelNotFoundError('x', './models')).fields.code // 'not_found'
 */
export function toWireError(error: unknown): WireError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: WireError['fields'] = {};
  for (const [key, value] of Object.entries(error)) {
    if (key === 'name' || key === 'message' || key === 'stack') continue;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      fields[key] = value as string | number | boolean | null;
    }
  }
  return { name: error.name, message: error.message, ...(error.stack ? { stack: error.stack } : {}), fields };
}

/**
 * The error again, as an instance of its class where it is one of the runtime's named errors (so `instanceof` and
 * `code` work as in-process), an `AbortError` DOMException, or else a plain Error with the same name and message.
 */
export function fromWireError(wire: WireError): Error {
  if (wire.name === 'AbortError') return new DOMException(wire.message, 'AbortError');
  const known = CLASSES[wire.name];
  const error: Error = known ? (Object.create(known.prototype) as Error) : new Error(wire.message);
  for (const [key, value] of Object.entries({ ...wire.fields, name: wire.name, message: wire.message })) {
    Object.defineProperty(error, key, { value, enumerable: key !== 'message', writable: true, configurable: true });
  }
  Object.defineProperty(error, 'stack', {
    value: `${wire.stack ?? `${wire.name}: ${wire.message}`}\n    at <llama.cpp worker thread>`,
    enumerable: false,
    writable: true,
    configurable: true,
  });
  return error;
}
