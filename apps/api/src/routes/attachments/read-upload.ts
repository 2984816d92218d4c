/** The multipart body of `POST /api/attachments`, refused as early as its size shows it is too large. */
import type { Context } from 'hono';
import { ID_PATTERN } from '@chat-studio/protocol';
import { settleRequestBody } from '../../middleware/settle-body/index.js';
import { ApiError } from '../../errors/index.js';
import { tooLarge, type UploadedFile } from '../../attachments/index.js';

/** Room for the multipart framing around the file (boundaries, part headers, a session id field). */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024;

/** The parts of the form: the file, and the chat it is meant for. */
export interface UploadForm {
  file: UploadedFile;
  sessionId?: string;
}

/**
 * Refuses from `Content-Length` before reading (413 at once, the unread body discarded so the client reads the
 * answer), then reads at most the limit; a chunked body that passes it is refused as soon as it does.
 */
export async function readUploadForm(c: Context, maxFileBytes: number): Promise<UploadForm> {
  const type = c.req.header('content-type') ?? '';
  if (!/^multipart\/form-data\s*;/i.test(type))
    throw new ApiError('validation_error', 'file: send the file as multipart/form-data with one "file" field', {
      issues: [{ path: 'file', message: 'Expected multipart/form-data' }],
    });
  const limit = maxFileBytes + MULTIPART_OVERHEAD_BYTES;
  const declared = Number(c.req.header('content-length') ?? Number.NaN);
  if (declared > limit) {
    await settleRequestBody(c);
    throw tooLarge(maxFileBytes);
  }
  const body = await readCapped(c.req.raw.body, limit);
  if (body === 'too_large') {
    c.header('Connection', 'close');
    throw tooLarge(maxFileBytes);
  }
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': type } }).formData();
  } catch {
    throw new ApiError('validation_error', 'file: the multipart body could not be read', {
      issues: [{ path: 'file', message: 'Malformed multipart body' }],
    });
  }
  return formFields(form);
}

async function readCapped(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array | 'too_large'> {
  if (!body) return new Uint8Array();
  const parts: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return 'too_large';
    }
    parts.push(value);
  }
  return Buffer.concat(parts, size);
}

function fieldError(path: string, message: string): ApiError {
  return new ApiError('validation_error', `${path}: ${message}`, { issues: [{ path, message }] });
}

async function formFields(form: FormData): Promise<UploadForm> {
  for (const key of new Set(form.keys()))
    if (key !== 'file' && key !== 'session_id') throw fieldError(key, `Unknown field ${key}`);
  const files = form.getAll('file');
  const file = files[0];
  if (files.length !== 1 || !(file instanceof File))
    throw fieldError('file', 'Send exactly one file in the "file" field');
  const sessionId = form.get('session_id');
  if (sessionId !== null && (typeof sessionId !== 'string' || !ID_PATTERN.test(sessionId)))
    throw fieldError('session_id', 'Invalid id format');
  return {
    file: { name: file.name, mime: file.type, bytes: new Uint8Array(await file.arrayBuffer()) },
    ...(sessionId ? { sessionId } : {}),
  };
}
