/**
 * ChatGPT's data export (`conversations.json`): an array of conversations, each a `mapping` of nodes
 * (`id`, `message | null`, `parent`, `children`) with `current_node`. Every branch is kept.
 */
import type { FinishReason, MessageRole, MessageStatus } from '@chat-studio/protocol';
import { ChatFieldError } from './transfer-error.js';
import type { SkippedCounts, TransferChat } from './transfer-types.js';
import { orderTree, resolveCurrent, secondsToMs, type ForeignNode } from './tree-order.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** True when a parsed value has the shape of one ChatGPT conversation. */
export function isChatGptConversation(value: unknown): boolean {
  return isObject(value) && isObject(value.mapping);
}

const ROLES: Record<string, MessageRole | undefined> = { user: 'user', assistant: 'assistant', system: 'system' };
const FINISH: Record<string, FinishReason | undefined> = { stop: 'stop', max_tokens: 'length', interrupted: 'abort' };

/** The text of a message's content; non-text parts are counted in `skipped.parts`. */
function contentText(content: unknown, field: string, skipped: SkippedCounts): string {
  if (!isObject(content)) throw new ChatFieldError(field, 'expected an object with content_type');
  const type = str(content.content_type) ?? 'text';
  if (type === 'text' || type === 'multimodal_text') {
    if (content.parts === undefined || content.parts === null) return '';
    if (!Array.isArray(content.parts)) throw new ChatFieldError(`${field}.parts`, 'expected an array');
    const texts: string[] = [];
    for (const part of content.parts) {
      if (typeof part === 'string') texts.push(part);
      else if (isObject(part) && part.content_type === 'text' && typeof part.text === 'string') texts.push(part.text);
      else skipped.parts++;
    }
    return texts.join('\n');
  }
  if (type === 'code' && typeof content.text === 'string') {
    const lang = str(content.language) ?? '';
    return `\`\`\`${lang === 'unknown' ? '' : lang}\n${content.text}\n\`\`\``;
  }
  // Reasoning, browsing displays, user context and the like: not a message of ours.
  skipped.parts++;
  return '';
}

function statusOf(message: Json): { status: MessageStatus; finish: FinishReason | null } {
  const metadata = isObject(message.metadata) ? message.metadata : {};
  const details = isObject(metadata.finish_details) ? metadata.finish_details : {};
  const finish = FINISH[str(details.type) ?? ''] ?? null;
  const status = message.status === 'finished_successfully' || message.status === undefined ? 'complete' : 'partial';
  return { status: finish === 'abort' ? 'partial' : status, finish };
}

function toNode(ref: string, raw: unknown, chatCreated: number, skipped: SkippedCounts): ForeignNode {
  const field = `mapping.${ref}`;
  if (!isObject(raw)) throw new ChatFieldError(field, 'expected a node object');
  const parent = raw.parent === undefined || raw.parent === null ? null : str(raw.parent);
  if (parent === null && raw.parent !== undefined && raw.parent !== null)
    throw new ChatFieldError(`${field}.parent`, 'expected a node id or null');
  if (raw.children !== undefined && !Array.isArray(raw.children))
    throw new ChatFieldError(`${field}.children`, 'expected an array of node ids');
  const children = ((raw.children as unknown[] | undefined) ?? []).filter((c): c is string => typeof c === 'string');
  const node: ForeignNode = { ref, parent, children, message: null };
  if (raw.message === null || raw.message === undefined) return node;
  const message = raw.message;
  if (!isObject(message)) throw new ChatFieldError(`${field}.message`, 'expected an object or null');
  const author = isObject(message.author) ? str(message.author.role) : null;
  if (author === null) throw new ChatFieldError(`${field}.message.author.role`, 'missing');
  const content = contentText(message.content, `${field}.message.content`, skipped);
  const metadata = isObject(message.metadata) ? message.metadata : {};
  const role = ROLES[author];
  // Tool calls and their output, hidden system scaffolding and empty nodes are not messages of ours.
  if (role === undefined || metadata.is_visually_hidden_from_conversation === true || content.trim() === '')
    return node;
  const { status, finish } = statusOf(message);
  node.message = {
    role,
    content,
    created_at: secondsToMs(message.create_time) ?? chatCreated,
    status,
    model_id: str(metadata.model_slug),
    prompt_tokens: null,
    completion_tokens: null,
    time_to_first_token_ms: null,
    tokens_per_second: null,
    finish_reason: role === 'assistant' ? finish : null,
  };
  return node;
}

/**
 * Converts one ChatGPT conversation to the normalized tree.
 *
 * @throws ChatFieldError naming the field (`mapping.<node>.parent`, `title`, …) when the conversation is malformed.
 */
export function fromChatGpt(raw: unknown, position: number): TransferChat {
  if (!isObject(raw)) throw new ChatFieldError('(conversation)', 'expected an object');
  if (!isObject(raw.mapping)) throw new ChatFieldError('mapping', 'expected an object of nodes');
  if (raw.title !== undefined && raw.title !== null && typeof raw.title !== 'string')
    throw new ChatFieldError('title', 'expected a string');
  // A conversation without times still gets one, so its messages sort sensibly.
  const created = secondsToMs(raw.create_time) ?? secondsToMs(raw.update_time) ?? Date.now();
  const skipped: SkippedCounts = { nodes: 0, parts: 0 };
  const nodes = new Map<string, ForeignNode>();
  for (const [ref, value] of Object.entries(raw.mapping)) nodes.set(ref, toNode(ref, value, created, skipped));
  const tree = orderTree(nodes, 'mapping');
  skipped.nodes = nodes.size - tree.messages.length;
  const id = str(raw.conversation_id) ?? str(raw.id) ?? `position-${position}`;
  const lastMessage = tree.messages.reduce((max, m) => Math.max(max, m.created_at), created);
  return {
    format: 'chatgpt',
    source_id: id,
    title: str(raw.title)?.trim() || 'Imported chat',
    created_at: created,
    updated_at: secondsToMs(raw.update_time) ?? lastMessage,
    pinned: raw.is_starred === true,
    archived: raw.is_archived === true,
    settings: {},
    messages: tree.messages,
    current_ref: resolveCurrent(tree, str(raw.current_node)),
    skipped,
  };
}
