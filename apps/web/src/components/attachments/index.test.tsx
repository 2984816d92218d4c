// @vitest-environment happy-dom
/**
 * Uploads not sent before a reload, in a DOM (happy-dom): the composer says how many there are and offers to attach
 * them (they become chips) or remove them (deleted on the server); nothing is shown when there are none.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { composerAttachments, loadUnsentUploads, unsentError, unsentUploads } from '../../models/attachments.js';
import { attachmentSummary } from '../../testing/attachment-summary.js';
import { fakeChatServer, json, type FakeChatServer } from '../../testing/fake-chat-server.js';
import { ComposerAttachments, UnsentUploads } from './index.js';

const F1 = '01J000000000000000000000F1';
const F2 = '01J000000000000000000000F2';

let host: HTMLElement;
let server: FakeChatServer;

beforeEach(async () => {
  host = document.createElement('div');
  document.body.append(host);
  server = fakeChatServer({
    'GET /api/attachments': () =>
      json({
        items: [attachmentSummary({ id: F2, name: 'trace.log' }), attachmentSummary({ id: F1, name: 'notes.md' })],
        next_cursor: null,
      }),
    [`DELETE /api/attachments/${F1}`]: () => new Response(null, { status: 204 }),
    [`DELETE /api/attachments/${F2}`]: () => new Response(null, { status: 204 }),
    'GET /api/attachments/limits': () =>
      json({ max_file_bytes: 1024, quota_bytes: 4096, used_bytes: 0, accepted: ['text/*'] }),
  });
  await loadUnsentUploads();
  await act(() => {
    render(
      <>
        <UnsentUploads />
        <ComposerAttachments />
      </>,
      host,
    );
  });
});

afterEach(() => {
  render(null, host);
  host.remove();
  unsentUploads.value = [];
  unsentError.value = null;
  composerAttachments.value = [];
  vi.unstubAllGlobals();
});

const offer = () => host.querySelector('[data-testid="unsent-uploads"]');
const button = (id: string) => host.querySelector<HTMLButtonElement>(`[data-testid="${id}"]`)!;

describe('UnsentUploads', () => {
  it('offers the files not sent yet, and attaching makes them chips of the next message', async () => {
    expect(offer()?.textContent).toContain('2 files not sent yet: trace.log, notes.md');
    expect(button('unsent-attach').textContent).toBe('Attach them');
    await act(() => button('unsent-attach').click());
    expect(offer()).toBeNull();
    const chips = [...host.querySelectorAll<HTMLElement>('[data-testid="attachment-chip"]')];
    expect(chips.map((c) => [c.querySelector('.attachment-name')?.textContent, c.dataset.state])).toEqual([
      ['trace.log', 'ready'],
      ['notes.md', 'ready'],
    ]);
  });

  it('removes them on the server', async () => {
    await act(async () => {
      button('unsent-remove').click();
      await new Promise((resolve) => setTimeout(resolve, 20));
    });
    expect(offer()).toBeNull();
    expect(
      server
        .calls()
        .filter((c) => c.startsWith('DELETE'))
        .sort(),
    ).toEqual([`DELETE /api/attachments/${F1}`, `DELETE /api/attachments/${F2}`]);
    expect(host.querySelector('[data-testid="attachment-chip"]')).toBeNull();
  });
});
