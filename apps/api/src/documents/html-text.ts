/**
 * HTML to readable text: no scripts, styles or hidden parts; headings as Markdown `#` lines (chunking follows them),
 * list items as `- ` lines, table rows as cells joined by ` | `, `<pre>` as fenced blocks, paragraphs apart.
 */
import { type HTMLElement, type Node, NodeType, parse } from 'node-html-parser';

/** Elements whose content is never readable text. */
const SKIPPED = new Set([
  'head',
  'script',
  'style',
  'noscript',
  'template',
  'svg',
  'math',
  'canvas',
  'iframe',
  'object',
  'embed',
  'audio',
  'video',
  'select',
]);

/** Elements that start and end a block of their own. */
const BLOCKS = new Set(
  (
    'address article aside blockquote body center dd details dialog div dl dt fieldset figcaption figure footer ' +
    'form header hgroup hr html main nav ol p section summary table tbody thead tfoot ul caption'
  ).split(' '),
);

/** Deeper than this, nesting is flattened to its text: a hostile page cannot exhaust the stack. */
const MAX_DEPTH = 500;

/** Blocks that sit a line apart from their neighbours of the same group. */
type Group = 'list' | 'row' | null;

/** Collects inline text into blocks; a block's prefix (`## `, `- `) is given when it opens. */
class BlockWriter {
  private readonly blocks: { text: string; group: Group }[] = [];
  private line = '';
  private prefix = '';
  private group: Group = null;

  /** Starts a block with a prefix, ending the one before. List items (and table rows) follow each other closely. */
  open(prefix: string, group: Group = null): void {
    this.close();
    this.prefix = prefix;
    this.group = group;
  }

  inline(text: string): void {
    this.line += text;
  }

  /** Ends the current block; empty blocks vanish. */
  close(): void {
    const text = this.line
      .split('\n')
      .map((line) => line.replace(/[ \t\r\f\n]+/g, ' ').trim())
      .filter((line) => line !== '')
      .join('\n');
    if (text !== '') this.blocks.push({ text: this.prefix + text, group: this.group });
    this.line = '';
    this.prefix = '';
    this.group = null;
  }

  /** A block taken as written (preformatted text). */
  verbatim(text: string): void {
    this.close();
    if (text.trim() !== '') this.blocks.push({ text, group: null });
  }

  /** Blocks a blank line apart; consecutive items of a list, or rows of a table, a line apart. */
  result(): string {
    this.close();
    return this.blocks
      .map(
        (block, index) =>
          (index === 0 ? '' : block.group !== null && this.blocks[index - 1]?.group === block.group ? '\n' : '\n\n') +
          block.text,
      )
      .join('');
  }
}

interface WalkContext {
  writer: BlockWriter;
  listDepth: number;
  /** Inside a table row: blocks inside cells run inline, so a row stays one line. */
  inRow: boolean;
}

function walkChildren(element: HTMLElement, context: WalkContext, depth: number): void {
  for (const child of element.childNodes) walk(child, context, depth + 1);
}

function walkRow(row: HTMLElement, context: WalkContext, depth: number): void {
  context.writer.open('', 'row');
  const cells = row.childNodes.filter(
    (cell): cell is HTMLElement => cell.nodeType === NodeType.ELEMENT_NODE && /^t[dh]$/i.test(cell.rawTagName),
  );
  cells.forEach((cell, index) => {
    if (index > 0) context.writer.inline(' | ');
    walkChildren(cell, { ...context, inRow: true }, depth);
  });
  context.writer.close();
}

function walkList(list: HTMLElement, context: WalkContext, depth: number): void {
  const ordered = list.rawTagName.toLowerCase() === 'ol';
  const indent = '  '.repeat(context.listDepth);
  let number = 0;
  for (const child of list.childNodes) {
    const isItem = child.nodeType === NodeType.ELEMENT_NODE && (child as HTMLElement).rawTagName.toLowerCase() === 'li';
    if (!isItem) {
      walk(child, context, depth + 1);
      continue;
    }
    number++;
    context.writer.open(`${indent}${ordered ? `${number}.` : '-'} `, 'list');
    walkChildren(child as HTMLElement, { ...context, listDepth: context.listDepth + 1 }, depth + 1);
    context.writer.close();
  }
}

/** Handles the elements with a shape of their own; false for the rest. */
function walkSpecial(element: HTMLElement, tag: string, context: WalkContext, depth: number): boolean {
  const { writer } = context;
  const heading = /^h([1-6])$/.exec(tag);
  if (heading && !context.inRow) {
    writer.open(`${'#'.repeat(Number(heading[1]))} `);
    walkChildren(element, context, depth);
    writer.close();
  } else if (tag === 'pre' && !context.inRow) {
    writer.verbatim(`\`\`\`\n${element.text.replace(/\n+$/, '')}\n\`\`\``);
  } else if ((tag === 'ul' || tag === 'ol') && !context.inRow) {
    walkList(element, context, depth);
  } else if (tag === 'tr' && !context.inRow) {
    walkRow(element, context, depth);
  } else if (tag === 'br') {
    writer.inline('\n');
  } else if (tag === 'img') {
    const alt = element.getAttribute('alt')?.trim();
    if (alt) writer.inline(` [${alt}] `);
  } else return false;
  return true;
}

function walk(node: Node, context: WalkContext, depth: number): void {
  if (node.nodeType === NodeType.TEXT_NODE) {
    context.writer.inline(node.text);
    return;
  }
  if (node.nodeType !== NodeType.ELEMENT_NODE) return;
  const element = node as HTMLElement;
  const tag = element.rawTagName?.toLowerCase() ?? '';
  if (SKIPPED.has(tag) || element.hasAttribute('hidden') || element.getAttribute('aria-hidden') === 'true') return;
  if (depth > MAX_DEPTH) {
    context.writer.inline(` ${flatText(element)} `);
    return;
  }
  if (walkSpecial(element, tag, context, depth)) return;
  const block = (BLOCKS.has(tag) || tag === 'li') && !context.inRow;
  if (block) context.writer.open('');
  else if (context.inRow && BLOCKS.has(tag)) context.writer.inline(' ');
  walkChildren(element, context, depth);
  if (block) context.writer.close();
}

/**
 * Every node under `root` in document order, without recursion: the library's own `text` and `querySelector`
 * recurse, and a hostile page nested 100,000 deep would exhaust the stack.
 */
function* descendants(root: Node): Generator<Node> {
  const stack: Node[] = [...root.childNodes].reverse();
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    yield node;
    for (let i = node.childNodes.length - 1; i >= 0; i--) stack.push(node.childNodes[i] as Node);
  }
}

function tagOf(node: Node): string {
  return node.nodeType === NodeType.ELEMENT_NODE ? ((node as HTMLElement).rawTagName?.toLowerCase() ?? '') : '';
}

/** The readable text under an element, flattened (skipped elements left out). */
function flatText(element: HTMLElement): string {
  const parts: string[] = [];
  const stack: Node[] = [element];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    if (node.nodeType === NodeType.TEXT_NODE) parts.push(node.text);
    else if (!SKIPPED.has(tagOf(node)))
      for (let i = node.childNodes.length - 1; i >= 0; i--) stack.push(node.childNodes[i] as Node);
  }
  return parts.join(' ');
}

/** The page title as a top heading, when the body has no `<h1>` of its own. */
function titleHeading(root: HTMLElement): string {
  let title: string | null = null;
  for (const node of descendants(root)) {
    const tag = tagOf(node);
    if (tag === 'h1') return '';
    if (tag === 'title' && title === null) title = node.text.replace(/\s+/g, ' ').trim();
  }
  return title ? `# ${title}\n\n` : '';
}

/** Readable text of an HTML document (see the module comment for its shape). */
export function htmlToText(html: string): string {
  // Only <pre> keeps its raw text; script, style and noscript content is not even parsed into the tree.
  // The parser keeps a doctype or XML declaration as text; neither is content.
  const body = html.replace(/^\s*(?:<\?xml[^>]*>\s*)?(?:<!doctype[^>]*>)?/i, '');
  const root = parse(body, { comment: false, blockTextElements: { pre: true } });
  const writer = new BlockWriter();
  walk(root, { writer, listDepth: 0, inRow: false }, 0);
  return titleHeading(root) + writer.result();
}
