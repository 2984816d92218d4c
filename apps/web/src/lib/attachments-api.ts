/**
 * Requests to `/api/attachments`: the limits, the upload (with progress, so through XMLHttpRequest where there is
 * one), a summary, the extracted text, delete. Errors are {@link ChatApiError}s carrying the server's sentence.
 */
import { ChatApiError, isErrorEnvelope } from '@chat-studio/protocol';
import { appFetch } from './api.js';
import type { AttachmentLimits, AttachmentSummary, AttachmentText } from './attachment-types.js';

const BASE = '/api/attachments';
const enc = encodeURIComponent;

/** The error for a non-2xx answer: the envelope's code and sentence, else the status in words. */
export function attachmentError(status: number, body: unknown): ChatApiError {
  if (isErrorEnvelope(body)) return new ChatApiError(status, body.error.code, body.error.message, body.error.details);
  const what = status === 413 ? 'The file is too large for the server.' : `The server answered HTTP ${status}.`;
  return new ChatApiError(status, 'internal_error', what);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function call<T>(method: string, path: string): Promise<T> {
  const res = await appFetch(path, { method, credentials: 'same-origin', headers: { accept: 'application/json' } });
  if (!res.ok) throw attachmentError(res.status, parseJson(await res.text()));
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** `GET /api/attachments/limits`. */
export const fetchAttachmentLimits = () => call<AttachmentLimits>('GET', `${BASE}/limits`);
/** `GET /api/attachments/:id`: the summary (its state while indexing). */
export const fetchAttachment = (id: string) => call<AttachmentSummary>('GET', `${BASE}/${enc(id)}`);
/** `GET /api/attachments/:id/text`: the extracted text and its chunks. */
export const fetchAttachmentText = (id: string) => call<AttachmentText>('GET', `${BASE}/${enc(id)}/text`);
/** `GET /api/attachments?unsent=true`: the caller's uploads not sent with a message yet, newest first. */
export const fetchUnsentAttachments = () =>
  call<{ items: AttachmentSummary[]; next_cursor: string | null }>('GET', `${BASE}?unsent=true`);
/** `DELETE /api/attachments/:id`: only while not sent. */
export const deleteAttachment = (id: string) => call<void>('DELETE', `${BASE}/${enc(id)}`);
/** Where the original bytes download from (`Content-Disposition: attachment`: never shown inline). */
export const attachmentContentUrl = (id: string) => `${BASE}/${enc(id)}/content`;

/** Options of {@link uploadAttachment}. */
export interface UploadOptions {
  sessionId: string | null;
  onProgress?: (loaded: number, total: number) => void;
  signal?: AbortSignal;
}

/**
 * `POST /api/attachments` with the file as multipart `file` (and `session_id`). Progress comes from
 * XMLHttpRequest's upload events; without XMLHttpRequest (Node) it is one fetch and no progress.
 *
 * @example
 * const summary = await uploadAttachment(file, { sessionId, onProgress: (l, t) => console.log(l / t) });
 */
export function uploadAttachment(file: Blob & { name: string }, options: UploadOptions): Promise<AttachmentSummary> {
  const form = new FormData();
  form.append('file', file, file.name);
  if (options.sessionId) form.append('session_id', options.sessionId);
  if (typeof XMLHttpRequest === 'undefined') return uploadByFetch(form, options.signal);
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', BASE);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.upload.onprogress = (e) => options.onProgress?.(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      const body = parseJson(xhr.responseText);
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as AttachmentSummary);
      else reject(attachmentError(xhr.status, body));
    };
    xhr.onerror = () =>
      reject(
        new Error(
          `The upload of “${file.name}” stopped: the connection closed. The server may have refused the file; check its size and type, or try again.`,
        ),
      );
    xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(form);
  });
}

async function uploadByFetch(form: FormData, signal: AbortSignal | undefined): Promise<AttachmentSummary> {
  const res = await appFetch(BASE, { method: 'POST', body: form, credentials: 'same-origin', signal });
  if (!res.ok) throw attachmentError(res.status, parseJson(await res.text()));
  return (await res.json()) as AttachmentSummary;
}
