/** Branch routes of a chat: siblings, switching the current branch, edit and regenerate (new siblings), subtree size. */
import { Hono } from 'hono';
import {
  SwitchBranchRequestSchema,
  editMessageRequestSchema,
  regenerateRequestSchema,
  type MessageSiblings,
  type SubtreeCount,
} from '@chat-studio/protocol';
import type { AppDeps, AppEnv } from '../../app/app-env.js';
import type { ChatTurns } from '../../chat-service/index.js';
import { ApiError } from '../../errors/index.js';
import { jsonBody } from '../../middleware/validate/index.js';
import { requireMessage, requireSession } from '../../ownership/index.js';
import { streamTurn } from '../chat/stream-turn.js';
import { withFiles } from '../../attachments/index.js';

const messageNotFound = () => new ApiError('not_found', 'Message not found');

/**
 * Under `/api/chat/sessions`: `GET /:id/messages/:messageId/siblings`, `GET /:id/messages/:messageId/subtree`,
 * `POST /:id/branch`, and the streamed `POST /:id/messages/:messageId/edit` and `.../regenerate`. Every message id
 * goes through the ownership check: another user's reads exactly like a missing one (404).
 */
export function branchRoutes(deps: AppDeps, turns: ChatTurns) {
  const { store, config } = deps;
  const editSchema = editMessageRequestSchema(config.limits);
  const regenerateSchema = regenerateRequestSchema(config.limits);

  return new Hono<AppEnv>()
    .get('/:id/messages/:messageId/siblings', async (c) => {
      const { message } = await requireMessage(store, c.var.principal, c.req.param('id'), c.req.param('messageId'));
      const siblings = await store.messages.siblings(c.var.principal.userId, message.id);
      if (!siblings) throw messageNotFound();
      const items = await withFiles(store.attachments, c.var.principal.userId, siblings.items);
      return c.json({ ...siblings, items, count: siblings.items.length } satisfies MessageSiblings);
    })
    .get('/:id/messages/:messageId/subtree', async (c) => {
      const { message } = await requireMessage(store, c.var.principal, c.req.param('id'), c.req.param('messageId'));
      const count = await store.messages.countSubtree(c.var.principal.userId, message.id);
      if (count === undefined) throw messageNotFound();
      return c.json({ message_id: message.id, count } satisfies SubtreeCount);
    })
    .post('/:id/branch', async (c) => {
      const session = await requireSession(store, c.var.principal, c.req.param('id'));
      const body = await jsonBody(c, SwitchBranchRequestSchema);
      const { message } = await requireMessage(store, c.var.principal, session.id, body.message_id);
      if (!(await store.messages.switchBranch(c.var.principal.userId, session.id, message.id))) throw messageNotFound();
      return c.json(await requireSession(store, c.var.principal, session.id));
    })
    .post('/:id/messages/:messageId/edit', async (c) => {
      const { session, message } = await requireMessage(
        store,
        c.var.principal,
        c.req.param('id'),
        c.req.param('messageId'),
      );
      const body = await jsonBody(c, editSchema);
      if (message.role !== 'user') {
        throw new ApiError(
          'validation_error',
          `Only a user message can be edited and resent; this one is from the ${message.role}`,
          { param: 'messageId' },
        );
      }
      // The new text is a sibling of the old: the history is the branch up to their common parent. Its files go
      // with it unless `attachments` names others (copies: the original version keeps its own).
      const turn = await turns.open(c.var.principal, session.id, body.params, { leafId: message.parent_id });
      await turns.attach(c.var.principal, turn, body.attachments, { editOf: message.id });
      return streamTurn(c, deps, turns, turn, body.content);
    })
    .post('/:id/messages/:messageId/regenerate', async (c) => {
      const { session, message } = await requireMessage(
        store,
        c.var.principal,
        c.req.param('id'),
        c.req.param('messageId'),
      );
      const body = await jsonBody(c, regenerateSchema);
      // A reply is regenerated as a sibling under its question; a question gets a new reply under it.
      const question =
        message.role === 'assistant' && message.parent_id
          ? await store.messages.get(c.var.principal.userId, message.parent_id)
          : message;
      if (question?.role !== 'user') {
        throw new ApiError(
          'validation_error',
          'Only a reply to a user message, or a user message, can be regenerated',
          { param: 'messageId' },
        );
      }
      const turn = await turns.open(c.var.principal, session.id, body.params, {
        leafId: question.parent_id,
        existingUserMessage: question,
      });
      return streamTurn(c, deps, turns, turn, question.content);
    });
}
