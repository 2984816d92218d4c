/**
 * Open WebUI's chat export: an array of `{ id, title, chat: { history: { messages, currentId }, params, … },
 * created_at, updated_at, pinned, archived }` (older files put the chat object itself in the array). Messages
 * form a tree through `parentId` / `childrenIds`; every branch is kept.
 */
import type { MessageRole, SessionSettings } from '@chat-studio/protocol';
import { ChatFieldError } from './transfer-error.js';
import type { SkippedCounts, TransferChat } from './transfer-types.js';
import { orderTree, resolveCurrent, secondsToMs, type ForeignNode } from './tree-order.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** The inner chat object: `chat` of an export entry, or the entry itself in the legacy layout. */
function innerChat(value: Json): Json | null {
  if (isObject(value.chat) && (isObject(value.chat.history) || Array.isArray(value.chat.messages))) return value.chat;
  if (isObject(value.history)) return value;
  return null;
}

/** True when a parsed value has the shape of one Open WebUI chat. */
export function isOpenWebUiChat(value: unknown): boolean {
  return isObject(value) && innerChat(value) !== null;
}

const ROLES: Record<string, MessageRole | undefined> = { user: 'user', assistant: 'assistant', system: 'system' };

/** Open WebUI timestamps are seconds; a few builds wrote milliseconds. */
function timeMs(value: unknown): number | null {
  const ms = secondsToMs(value);
  return ms !== null && ms > 1e14 ? Math.round(ms / 1000) : ms;
}

function contentText(value: unknown, field: string, skipped: SkippedCounts): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (!Array.isArray(value)) throw new ChatFieldError(field, 'expected a string or an array of parts');
  const texts: string[] = [];
  for (const part of value) {
    if (isObject(part) && part.type === 'text' && typeof part.text === 'string') texts.push(part.text);
    else skipped.parts++;
  }
  return texts.join('\n');
}

/** Token counts and speed of a reply: OpenAI-style `usage`, or the Ollama figures Open WebUI keeps there. */
function usageOf(
  raw: Json,
): Pick<NonNullable<ForeignNode['message']>, 'prompt_tokens' | 'completion_tokens' | 'tokens_per_second'> {
  const usage = isObject(raw.usage) ? raw.usage : {};
  const count = (...values: unknown[]) => {
    const n = values.find((v) => typeof v === 'number' && Number.isInteger(v) && v >= 0);
    return typeof n === 'number' ? n : null;
  };
  const speed = usage['response_token/s'];
  return {
    prompt_tokens: count(usage.prompt_tokens, usage.prompt_eval_count),
    completion_tokens: count(usage.completion_tokens, usage.eval_count),
    tokens_per_second: typeof speed === 'number' && Number.isFinite(speed) && speed >= 0 ? speed : null,
  };
}

function toNode(ref: string, raw: unknown, field: string, chatCreated: number, skipped: SkippedCounts): ForeignNode {
  if (!isObject(raw)) throw new ChatFieldError(field, 'expected a message object');
  const parent = raw.parentId === undefined || raw.parentId === null ? null : str(raw.parentId);
  if (parent === null && raw.parentId !== undefined && raw.parentId !== null)
    throw new ChatFieldError(`${field}.parentId`, 'expected a message id or null');
  if (raw.childrenIds !== undefined && !Array.isArray(raw.childrenIds))
    throw new ChatFieldError(`${field}.childrenIds`, 'expected an array of message ids');
  const children = ((raw.childrenIds as unknown[] | undefined) ?? []).filter((c): c is string => typeof c === 'string');
  const roleName = str(raw.role);
  if (roleName === null) throw new ChatFieldError(`${field}.role`, 'missing');
  const content = contentText(raw.content, `${field}.content`, skipped);
  if (Array.isArray(raw.files)) skipped.parts += raw.files.length;
  const role = ROLES[roleName];
  const node: ForeignNode = { ref, parent, children, message: null };
  if (role === undefined || content.trim() === '') return node;
  const failed = raw.error !== undefined && raw.error !== null && raw.error !== false;
  node.message = {
    role,
    content,
    created_at: timeMs(raw.timestamp) ?? chatCreated,
    status: failed ? 'error' : raw.done === false ? 'partial' : 'complete',
    model_id: role === 'assistant' ? (str(raw.model) ?? null) : null,
    ...(role === 'assistant'
      ? usageOf(raw)
      : { prompt_tokens: null, completion_tokens: null, tokens_per_second: null }),
    time_to_first_token_ms: null,
    finish_reason: role === 'assistant' ? (failed ? 'error' : raw.done === false ? 'abort' : 'stop') : null,
  };
  return node;
}

/** Sampling settings Open WebUI keeps in `params` that mean the same here; anything else stays behind. */
function settingsOf(params: unknown): SessionSettings {
  if (!isObject(params)) return {};
  const settings: SessionSettings = {};
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  if (typeof params.system === 'string' && params.system.trim() !== '') settings.system_prompt = params.system;
  const temperature = num(params.temperature);
  if (temperature !== undefined && temperature >= 0 && temperature <= 2) settings.temperature = temperature;
  const topP = num(params.top_p);
  if (topP !== undefined && topP >= 0 && topP <= 1) settings.top_p = topP;
  return settings;
}

/** `history.messages` as a node map; the legacy `messages` array becomes one linear branch. */
function nodesOf(
  chat: Json,
  created: number,
  skipped: SkippedCounts,
): { nodes: Map<string, ForeignNode>; field: string; current: string | null } {
  const nodes = new Map<string, ForeignNode>();
  if (isObject(chat.history)) {
    const messages = chat.history.messages;
    if (!isObject(messages)) throw new ChatFieldError('chat.history.messages', 'expected an object of messages');
    for (const [ref, value] of Object.entries(messages))
      nodes.set(ref, toNode(ref, value, `chat.history.messages.${ref}`, created, skipped));
    return { nodes, field: 'chat.history.messages', current: str(chat.history.currentId) };
  }
  const list = chat.messages as unknown[];
  let previous: string | null = null;
  list.forEach((value, i) => {
    const ref = (isObject(value) && str(value.id)) || `message-${i}`;
    const node = toNode(
      ref,
      isObject(value) ? { ...value, parentId: previous, childrenIds: [] } : value,
      `chat.messages.${i}`,
      created,
      skipped,
    );
    nodes.set(ref, node);
    previous = ref;
  });
  return { nodes, field: 'chat.messages', current: previous };
}

/**
 * Converts one Open WebUI chat to the normalized tree.
 *
 * @throws ChatFieldError naming the field (`chat.history.messages.<id>.parentId`, …) when the chat is malformed.
 */
export function fromOpenWebUi(raw: unknown, position: number): TransferChat {
  if (!isObject(raw)) throw new ChatFieldError('(chat)', 'expected an object');
  const chat = innerChat(raw);
  if (!chat) throw new ChatFieldError('chat.history', 'missing');
  const created = timeMs(raw.created_at) ?? timeMs(chat.timestamp) ?? Date.now();
  const skipped: SkippedCounts = { nodes: 0, parts: 0 };
  const { nodes, field, current } = nodesOf(chat, created, skipped);
  const tree = orderTree(nodes, field, 'parentId');
  skipped.nodes = nodes.size - tree.messages.length;
  const title = str(raw.title) ?? str(chat.title);
  const lastMessage = tree.messages.reduce((max, m) => Math.max(max, m.created_at), created);
  return {
    format: 'open-webui',
    source_id: str(raw.id) ?? str(chat.id) ?? `position-${position}`,
    title: title?.trim() || 'Imported chat',
    created_at: created,
    updated_at: timeMs(raw.updated_at) ?? lastMessage,
    pinned: raw.pinned === true,
    archived: raw.archived === true,
    settings: settingsOf(chat.params),
    messages: tree.messages,
    current_ref: resolveCurrent(tree, current),
    skipped,
  };
}
