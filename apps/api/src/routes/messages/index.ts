/** Message routes of a session: paged lists, append, edit, delete. */
import { Hono } from 'hono';
import {
  appendMessageRequestSchema,
  listMessagesQuerySchema,
  updateMessageRequestSchema,
  type ChatMessage,
  type DeleteMessageResponse,
} from '@chat-studio/protocol';
import type { AppDeps, AppEnv } from '../../app/app-env.js';
import { jsonBody, queryParams } from '../../middleware/validate/index.js';
import { requireMessage, requireSession } from '../../ownership/index.js';
import { ApiError, sessionNotFound } from '../../errors/index.js';
import { pageWithFiles, withFiles } from '../../attachments/index.js';

/**
 * `/api/chat/sessions/:id/messages`: list the current branch (both directions, or around one message), append (under
 * the current leaf), edit in place, delete (with the subtree).
 */
export function messageRoutes({ store, config }: AppDeps) {
  const appendSchema = appendMessageRequestSchema(config.limits);
  const updateSchema = updateMessageRequestSchema(config.limits);
  const listSchema = listMessagesQuerySchema(config.limits);

  return new Hono<AppEnv>()
    .get('/:id/messages', async (c) => {
      const session = await requireSession(store, c.var.principal, c.req.param('id'));
      const { around, ...query } = queryParams(c, listSchema);
      if (around !== undefined) {
        // A missing or foreign message reads like a missing session: the same 404 from the same check.
        const { message } = await requireMessage(store, c.var.principal, session.id, around);
        const page = await store.messages.listAround(c.var.principal.userId, session.id, message.id, {
          limit: query.limit,
        });
        if (!page) throw new ApiError('not_found', 'Message not found');
        return c.json(await pageWithFiles(store.attachments, c.var.principal.userId, page));
      }
      const page = await store.messages.list(c.var.principal.userId, session.id, query);
      if (!page) throw sessionNotFound();
      return c.json(await pageWithFiles(store.attachments, c.var.principal.userId, page));
    })
    .post('/:id/messages', async (c) => {
      const session = await requireSession(store, c.var.principal, c.req.param('id'));
      const body = await jsonBody(c, appendSchema);
      const message = await store.messages.append(c.var.principal.userId, session.id, body);
      if (!message) throw sessionNotFound();
      return c.json(message, 201);
    })
    .get('/:id/messages/:messageId', async (c) => {
      const { message } = await requireMessage(store, c.var.principal, c.req.param('id'), c.req.param('messageId'));
      const [withAttachments] = await withFiles(store.attachments, c.var.principal.userId, [message]);
      return c.json(withAttachments ?? message);
    })
    .patch('/:id/messages/:messageId', async (c) => {
      const { message } = await requireMessage(store, c.var.principal, c.req.param('id'), c.req.param('messageId'));
      const body = await jsonBody(c, updateSchema);
      // An edit never overwrites what was written: the new text is a new version beside the old one (a sibling,
      // `‹ n / n ›` in the web app) and becomes the current branch. Only an explicit DELETE removes the old text.
      const version = await store.messages.append(c.var.principal.userId, message.session_id, {
        role: message.role,
        content: body.content,
        parent_id: message.parent_id,
      });
      if (!version) throw new ApiError('not_found', 'Message not found');
      return c.json(await withKeptFiles(store, c.var.principal.userId, message, version), 201);
    })
    .delete('/:id/messages/:messageId', async (c) => {
      // The message and everything below it, in one transaction: a reply's regenerations, a question's answers.
      const { session, message } = await requireMessage(
        store,
        c.var.principal,
        c.req.param('id'),
        c.req.param('messageId'),
      );
      const deleted = await store.messages.deleteSubtree(c.var.principal.userId, message.id);
      if (deleted === 0) throw new ApiError('not_found', 'Message not found');
      const after = await requireSession(store, c.var.principal, session.id);
      return c.json({ deleted, current_leaf_id: after.current_leaf_id ?? null } satisfies DeleteMessageResponse);
    });
}

/**
 * A new version of a user message carries the original's files (copies on the same bytes: the original keeps its
 * own); the version is removed again when they cannot be copied, so no edit silently drops a file.
 */
async function withKeptFiles(
  store: AppDeps['store'],
  userId: string,
  original: ChatMessage,
  version: ChatMessage,
): Promise<ChatMessage> {
  if (original.role !== 'user') return version;
  const kept = (await store.attachments.forMessages(userId, [original.id])).get(original.id) ?? [];
  if (kept.length === 0) return version;
  try {
    const ids = kept.map((a) => a.id);
    return {
      ...version,
      attachments: await store.attachments.bind(userId, version.id, ids, { copyFrom: original.id }),
    };
  } catch (error) {
    await store.messages.delete(userId, version.id);
    throw error;
  }
}
