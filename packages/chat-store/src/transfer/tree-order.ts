/** Turns a foreign node map (parent links, child lists, empty nodes) into our parent-before-child message list. */
import { ChatFieldError } from './transfer-error.js';
import type { TransferMessage } from './transfer-types.js';

/** A node of a foreign tree; `message: null` marks a node we do not keep (empty, hidden, a tool call). */
export interface ForeignNode {
  ref: string;
  parent: string | null;
  /** The source's order of this node's children; children missing here follow in map order. */
  children: readonly string[];
  message: Omit<TransferMessage, 'ref' | 'parent_ref'> | null;
}

export interface OrderedTree {
  messages: TransferMessage[];
  /** The kept node a source id stands for: itself, or its nearest kept ancestor (`null` when there is none). */
  keptFor(ref: string): string | null;
}

/**
 * Orders a node map depth first from its roots, so that every parent precedes its children and siblings keep
 * the source's order. Skipped nodes vanish and their children hang from the nearest kept ancestor.
 * `field` names the map and `parentKey` the parent link in error messages (`mapping`…`parent`, `history.messages`…`parentId`).
 *
 * @throws ChatFieldError when a parent does not exist or the links form a cycle.
 */
export function orderTree(nodes: ReadonlyMap<string, ForeignNode>, field: string, parentKey = 'parent'): OrderedTree {
  const childrenOf = new Map<string | null, string[]>();
  for (const node of nodes.values()) {
    if (node.parent !== null && !nodes.has(node.parent)) {
      throw new ChatFieldError(`${field}.${node.ref}.${parentKey}`, `node "${node.parent}" does not exist`);
    }
    if (node.parent === node.ref)
      throw new ChatFieldError(`${field}.${node.ref}.${parentKey}`, 'a node cannot be its own parent');
    const list = childrenOf.get(node.parent) ?? [];
    list.push(node.ref);
    childrenOf.set(node.parent, list);
  }
  const sortedChildren = (parent: ForeignNode | null): string[] => {
    const actual = childrenOf.get(parent?.ref ?? null) ?? [];
    if (!parent || parent.children.length === 0) return actual;
    const rank = new Map(parent.children.map((ref, i) => [ref, i] as const));
    return [...actual].sort((a, b) => (rank.get(a) ?? Infinity) - (rank.get(b) ?? Infinity));
  };

  const messages: TransferMessage[] = [];
  const kept = new Map<string, string | null>();
  // Iterative, so a chat of 100,000 messages in one line does not overflow the stack.
  const stack: Array<{ ref: string; keptParent: string | null }> = sortedChildren(null)
    .reverse()
    .map((ref) => ({ ref, keptParent: null }));
  while (stack.length > 0) {
    const { ref, keptParent } = stack.pop()!;
    const node = nodes.get(ref)!;
    const self = node.message ? ref : keptParent;
    if (node.message) messages.push({ ...node.message, ref, parent_ref: keptParent });
    kept.set(ref, self);
    for (const child of sortedChildren(node).reverse()) stack.push({ ref: child, keptParent: self });
  }
  if (kept.size < nodes.size) {
    const stray = [...nodes.keys()].find((ref) => !kept.has(ref))!;
    throw new ChatFieldError(`${field}.${stray}.${parentKey}`, 'the parent links form a cycle (no path to a root)');
  }
  return { messages, keptFor: (ref) => (kept.has(ref) ? kept.get(ref)! : null) };
}

/**
 * The leaf a chat shows: the source's current node (or its nearest kept ancestor) when it names one, else the
 * newest leaf. `null` only for a chat without messages.
 */
export function resolveCurrent(tree: OrderedTree, sourceCurrent: string | null | undefined): string | null {
  if (sourceCurrent) {
    const found = tree.keptFor(sourceCurrent);
    if (found !== null) return found;
  }
  const parents = new Set(tree.messages.map((m) => m.parent_ref));
  let best: TransferMessage | undefined;
  for (const m of tree.messages) {
    if (!parents.has(m.ref) && (!best || m.created_at >= best.created_at)) best = m;
  }
  return best?.ref ?? null;
}

/** Seconds since the epoch (as ChatGPT and Open WebUI write them, possibly fractional) to milliseconds. */
export function secondsToMs(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : null;
}
