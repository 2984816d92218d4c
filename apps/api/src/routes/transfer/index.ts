/** Export (streamed JSON or Markdown) and import (a file of ours, ChatGPT's or Open WebUI's) of a user's chats. */
import { createReadStream } from 'node:fs';
import type { Context } from 'hono';
import { Hono } from 'hono';
import {
  exportChatsJson,
  exportChatsMarkdown,
  importChats,
  ImportFormatError,
  type ImportAttachmentOptions,
} from '@chat-studio/chat-store';
import { defaultDocuments, prepareAttachmentText } from '../../attachments/index.js';
import { ExportQuerySchema, type ExportFormat } from '@chat-studio/protocol';
import type { AppDeps, AppEnv } from '../../app/app-env.js';
import { ApiError } from '../../errors/index.js';
import { queryParams } from '../../middleware/validate/index.js';
import { requireSession } from '../../ownership/index.js';
import { spoolBody } from './spool-body.js';

/** The path of the import route; the app's 1 MiB body limit does not apply to it (IMPORT_MAX_BYTES does). */
export const IMPORT_PATH = '/api/chat/import';

/** Pulls one chunk at a time from the generator, so a slow client slows the export instead of filling memory. */
function toReadable(chunks: AsyncGenerator<string>, onError: (error: unknown) => void): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (error) {
        onError(error);
        controller.error(error);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
}

/** Attached files in an import: the upload's limits, and their text extracted as an upload would. */
export function importAttachmentOptions(deps: AppDeps): ImportAttachmentOptions {
  const documents = deps.documents ?? defaultDocuments;
  return {
    maxFileBytes: deps.config.attachments.maxFileBytes,
    quotaBytes: deps.config.attachments.quotaBytes,
    prepare: (file) =>
      prepareAttachmentText(
        {
          documents,
          countTokens: (text) => deps.runtime?.countTokens(text) ?? null,
          contextSize: () => deps.runtime?.contextSize() ?? null,
        },
        file,
      ),
  };
}

/** A file name from a chat title: ASCII letters and digits, or `chat`. */
export function fileSlug(title: string): string {
  const slug = title
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  return slug || 'chat';
}

function exportResponse(
  c: Context<AppEnv>,
  deps: AppDeps,
  format: ExportFormat,
  one?: { id: string; title: string },
): Response {
  const userId = c.var.principal.userId;
  const options = { sessionId: one?.id };
  const chunks =
    format === 'markdown'
      ? exportChatsMarkdown(deps.store, userId, options)
      : exportChatsJson(deps.store, userId, options);
  const name = one ? fileSlug(one.title) : `chat-studio-export-${new Date().toISOString().slice(0, 10)}`;
  const onError = (error: unknown) => deps.logger?.error({ err: error, path: c.req.path }, 'export failed midway');
  return new Response(toReadable(chunks, onError), {
    headers: {
      'content-type': format === 'markdown' ? 'text/markdown; charset=utf-8' : 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="${name}.${format === 'markdown' ? 'md' : 'json'}"`,
      'cache-control': 'no-store',
    },
  });
}

/**
 * `GET /api/chat/export` (every chat of the user), `GET /api/chat/sessions/:id/export` (one; 404 for another user's),
 * both `?format=json|markdown`, streamed; `POST /api/chat/import` with the file as the body.
 */
export function transferRoutes(deps: AppDeps) {
  return new Hono<AppEnv>()
    .get('/export', (c) => exportResponse(c, deps, queryParams(c, ExportQuerySchema).format ?? 'json'))
    .get('/sessions/:id/export', async (c) => {
      const format = queryParams(c, ExportQuerySchema).format ?? 'json';
      const session = await requireSession(deps.store, c.var.principal, c.req.param('id'));
      return exportResponse(c, deps, format, session);
    })
    .post('/import', async (c) => {
      if (Object.keys(c.req.query()).length > 0)
        throw new ApiError('validation_error', `Unknown query parameter: ${Object.keys(c.req.query())[0]}`);
      const declared = Number(c.req.header('content-length'));
      if (Number.isFinite(declared) && declared > deps.config.importMaxBytes) {
        throw new ApiError(
          'payload_too_large',
          `The import is larger than ${deps.config.importMaxBytes} bytes (IMPORT_MAX_BYTES)`,
        );
      }
      const spooled = await spoolBody(c.req.raw.body, deps.config.importMaxBytes);
      try {
        const summary = await importChats(deps.store, c.var.principal.userId, {
          open: () => createReadStream(spooled.path),
          attachments: importAttachmentOptions(deps),
        });
        return c.json(summary);
      } catch (error) {
        if (error instanceof ImportFormatError)
          throw new ApiError('validation_error', `Import refused, nothing was stored: ${error.message}`, {
            chat: error.chat ?? null,
            field: error.field ?? null,
          });
        throw error;
      } finally {
        await spooled.remove();
      }
    });
}
