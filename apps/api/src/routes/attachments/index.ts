/** `/api/attachments`: upload, summary, original bytes (download only), extracted text, limits, delete. */
import { Hono } from 'hono';
import {
  ID_PATTERN,
  type AttachmentLimits,
  type AttachmentSummary,
  type UnsentAttachments,
} from '@chat-studio/protocol';
import type { AppEnv } from '../../app/app-env.js';
import type { AttachmentConfig } from '../../config/index.js';
import { ApiError } from '../../errors/index.js';
import { requireSession } from '../../ownership/index.js';
import {
  attachmentNotFound,
  uploadAttachment,
  type AttachmentStorePort,
  type UploadDeps,
  type UploadPhases,
} from '../../attachments/index.js';
import type { ChatStore } from '@chat-studio/chat-store';
import { readUploadForm } from './read-upload.js';

/** The upload route; the app's 1 MiB body limit does not apply to it (ATTACHMENT_MAX_BYTES does, from here). */
export const ATTACHMENTS_PATH = '/api/attachments';

/** Types a browser would render or run: served as plain bytes whatever they were uploaded as. */
const ACTIVE_TYPES = /html|xml|svg|javascript|ecmascript|xhtml/i;

/** What the routes are built from. */
export interface AttachmentRoutesDeps extends Omit<UploadDeps, 'store' | 'config'> {
  store: ChatStore;
  attachments: AttachmentStorePort;
  config: AttachmentConfig;
}

/** `filename*=` of a Content-Disposition (RFC 6266/5987): any name, safely. */
export function contentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** `Server-Timing` of an upload's steps: `read;dur=12.3, extract;dur=…`. */
export function serverTiming(phases: UploadPhases & { read?: number }): string {
  return Object.entries(phases)
    .flatMap(([name, ms]) => (ms === undefined ? [] : [`${name};dur=${ms.toFixed(1)}`]))
    .join(', ');
}

/** Query parameters `GET /` knows. */
const LIST_PARAMS = new Set(['unsent', 'session_id']);

/**
 * `POST /` (multipart `file`, optional `session_id`: the chat whose drafts it joins) → 201 summary;
 * `GET /?unsent=true[&session_id=]` → the caller's unsent uploads, newest first; `GET /limits`; `GET /:id`; `GET /:id/content`
 * (download only); `GET /:id/text`; `DELETE /:id` (unsent only). Another user's id is the same 404 as a missing one.
 */
export function attachmentRoutes(deps: AttachmentRoutesDeps) {
  const { attachments } = deps;
  const owned = async (userId: string, id: string): Promise<AttachmentSummary> => {
    const summary = ID_PATTERN.test(id) ? await attachments.get(userId, id) : undefined;
    if (!summary) throw attachmentNotFound();
    return summary;
  };
  return new Hono<AppEnv>()
    .post('/', async (c) => {
      const unknown = Object.keys(c.req.query())[0];
      if (unknown !== undefined) throw new ApiError('validation_error', `Unknown query parameter: ${unknown}`);
      const started = performance.now();
      const form = await readUploadForm(c, deps.config.maxFileBytes);
      const phases: UploadPhases & { read?: number } = { read: performance.now() - started };
      if (form.sessionId) await requireSession(deps.store, c.var.principal, form.sessionId);
      const summary = await uploadAttachment(
        { ...deps, store: attachments, config: deps.config },
        c.var.principal.userId,
        form.file,
        { sessionId: form.sessionId ?? null, phases },
      );
      // Where an upload's time went (multipart read, extraction, token count, chunking, store): for benches and
      // browsers' network panels.
      c.header('server-timing', serverTiming(phases));
      return c.json(summary, 201);
    })
    .get('/', async (c) => {
      const query = c.req.query();
      const unknown = Object.keys(query).find((k) => !LIST_PARAMS.has(k));
      if (unknown !== undefined) throw new ApiError('validation_error', `Unknown query parameter: ${unknown}`);
      if (query.unsent !== 'true')
        throw new ApiError(
          'validation_error',
          'unsent: only unsent attachments are listed here (unsent=true); sent ones are listed with their message',
          { issues: [{ path: 'unsent', message: 'Expected "true"' }] },
        );
      const sessionId = query.session_id;
      if (sessionId !== undefined) await requireSession(deps.store, c.var.principal, sessionId);
      const items = await attachments.listUnsent(c.var.principal.userId, sessionId === undefined ? {} : { sessionId });
      return c.json({ items, next_cursor: null } satisfies UnsentAttachments);
    })
    .get('/limits', async (c) => {
      const used = await attachments.usedBytes(c.var.principal.userId);
      return c.json({
        max_file_bytes: deps.config.maxFileBytes,
        quota_bytes: deps.config.quotaBytes,
        used_bytes: used,
        accepted: deps.config.types,
      } satisfies AttachmentLimits);
    })
    .get('/:id', async (c) => c.json(await owned(c.var.principal.userId, c.req.param('id'))))
    .get('/:id/content', async (c) => {
      const id = c.req.param('id');
      const found = ID_PATTERN.test(id) ? await attachments.content(c.var.principal.userId, id) : undefined;
      if (!found) throw attachmentNotFound();
      const type = ACTIVE_TYPES.test(found.summary.mime) ? 'application/octet-stream' : found.summary.mime;
      return new Response(found.bytes, {
        headers: {
          'content-type': type,
          'content-length': String(found.bytes.byteLength),
          // Never rendered inline: an uploaded HTML or SVG file would run in this origin (XSS).
          'content-disposition': contentDisposition(found.summary.name),
          'x-content-type-options': 'nosniff',
          'cache-control': 'private, no-store',
        },
      });
    })
    .get('/:id/text', async (c) => {
      const id = c.req.param('id');
      const found = ID_PATTERN.test(id) ? await attachments.text(c.var.principal.userId, id) : undefined;
      if (!found) throw attachmentNotFound();
      return c.json(found);
    })
    .delete('/:id', async (c) => {
      const id = c.req.param('id');
      const result = ID_PATTERN.test(id) ? await attachments.deleteUnsent(c.var.principal.userId, id) : 'missing';
      if (result === 'missing') throw attachmentNotFound();
      if (result === 'sent')
        throw new ApiError(
          'conflict',
          'This attachment was sent with a message: delete the message to delete it (DELETE /api/chat/sessions/:id/messages/:messageId)',
        );
      return c.body(null, 204);
    });
}
