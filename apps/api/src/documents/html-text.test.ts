import { describe, expect, it } from 'vitest';
import { htmlToText } from './html-text.js';

describe('htmlToText', () => {
  it('writes headings, lists, tables and preformatted text in Markdown shape', () => {
    const html =
      '<h2>Steps</h2><ol><li>Install</li><li>Run <code>pnpm dev</code><ul><li>watch</li></ul></li></ol>' +
      '<table><tr><th>Key</th><th>Value</th></tr><tr><td><p>a</p></td><td>1</td></tr></table>' +
      '<pre>  indented\n# not a heading</pre><p>One<br>two &lt;ok&gt; <img alt="diagram" src="x.png"></p>';
    expect(htmlToText(html)).toBe(
      [
        '## Steps',
        '1. Install\n2. Run pnpm dev\n  - watch',
        'Key | Value\na | 1',
        '```\n  indented\n# not a heading\n```',
        'One\ntwo <ok> [diagram]',
      ].join('\n\n'),
    );
  });

  it('uses the title as the top heading only when there is no h1, and skips hidden and embedded parts', () => {
    const html =
      '<?xml version="1.0"?><!DOCTYPE html><html><head><title>Doc  title</title></head><body>' +
      '<p aria-hidden="true">x</p><template><p>t</p></template><svg><text>s</text></svg><p>Body</p></body></html>';
    expect(htmlToText(html)).toBe('# Doc title\n\nBody');
  });

  it('survives nesting deep enough to exhaust a recursive walk', () => {
    const depth = 100_000;
    const html = `${'<div>'.repeat(depth)}deep${'</div>'.repeat(depth)}`;
    expect(htmlToText(html)).toBe('deep');
  });
});
