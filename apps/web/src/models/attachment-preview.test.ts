import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, fakeChatServer, json } from '../testing/fake-chat-server.js';
import { attachmentPreview, closePreview, openPreview } from './attachment-preview.js';

const F1 = '01J000000000000000000000F1';
const F2 = '01J000000000000000000000F2';

afterEach(() => {
  vi.unstubAllGlobals();
  closePreview();
});

describe('openPreview', () => {
  it('opens at once, loads the text once per file, and keeps the part to scroll to', async () => {
    const text = { text: '# A\nalpha\n', chunks: [{ ordinal: 0, start: 0, end: 10, heading: 'A', page: null }] };
    const server = fakeChatServer({ [`GET /api/attachments/${F1}/text`]: () => json(text) });
    const opening = openPreview({ id: F1, name: 'notes.md', ordinal: null });
    expect(attachmentPreview.value).toMatchObject({ text: null, error: null });
    await opening;
    expect(attachmentPreview.value?.text).toEqual(text);
    closePreview();
    expect(attachmentPreview.value).toBeNull();
    await openPreview({ id: F1, name: 'notes.md', ordinal: 0 });
    expect(attachmentPreview.value).toMatchObject({ target: { ordinal: 0 }, text });
    expect(server.calls()).toEqual([`GET /api/attachments/${F1}/text`]);
  });

  it("shows the server's sentence when the text cannot be read", async () => {
    fakeChatServer({
      [`GET /api/attachments/${F2}/text`]: () => apiError(404, 'attachment_not_found', 'No such attachment.'),
    });
    await openPreview({ id: F2, name: 'gone.md', ordinal: null });
    expect(attachmentPreview.value).toMatchObject({ text: null, error: 'No such attachment.' });
  });
});
