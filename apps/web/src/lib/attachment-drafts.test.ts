import { describe, expect, it } from 'vitest';
import { attachmentSummary } from '../testing/attachment-summary.js';
import {
  applyDraftEvent,
  INDEX_FAILED,
  pendingBytes,
  sendableDrafts,
  unsentOfferText,
  unsentToOffer,
  uploadsPending,
  type AttachmentDraft,
  type DraftEvent,
} from './attachment-drafts.js';

const file = (name: string, size = 100) => ({ name, type: 'text/plain', size });
const run = (events: DraftEvent[], from: readonly AttachmentDraft[] = []) => events.reduce(applyDraftEvent, from);

describe('applyDraftEvent', () => {
  it('takes a file from uploading (with progress) to ready', () => {
    const uploading = run([
      { type: 'added', key: 'k1', file: file('a.txt', 1000) },
      { type: 'progress', key: 'k1', loaded: 250, total: 1000 },
    ]);
    expect(uploading[0]).toMatchObject({ state: 'uploading', progress: 0.25, summary: null });
    expect(uploadsPending(uploading)).toBe(true);
    expect(pendingBytes(uploading)).toBe(1000);
    const done = run(
      [{ type: 'uploaded', key: 'k1', summary: attachmentSummary({ id: 'A1', name: 'a.txt' }) }],
      uploading,
    );
    expect(done[0]).toMatchObject({ key: 'k1', state: 'ready', progress: 1, error: null });
    expect(uploadsPending(done)).toBe(false);
    expect(sendableDrafts(done).map((d) => d.summary?.id)).toEqual(['A1']);
  });

  it('shows a refusal or a failure as an error chip with its sentence, never sent', () => {
    const drafts = run([
      { type: 'refused', key: 'k1', file: file('big.log'), message: 'Too large.' },
      { type: 'added', key: 'k2', file: file('b.txt') },
      { type: 'failed', key: 'k2', message: 'The server said no.' },
    ]);
    expect(drafts.map((d) => [d.state, d.error])).toEqual([
      ['error', 'Too large.'],
      ['error', 'The server said no.'],
    ]);
    expect(sendableDrafts(drafts)).toEqual([]);
  });

  it('follows a large file from indexing to ready, or to an error', () => {
    const indexing = attachmentSummary({ id: 'A1', state: 'indexing', chunked: true });
    const drafts = run([
      { type: 'added', key: 'k1', file: file('manual.pdf') },
      { type: 'uploaded', key: 'k1', summary: indexing },
    ]);
    expect(drafts[0]?.state).toBe('indexing');
    expect(sendableDrafts(drafts)).toHaveLength(1);
    expect(run([{ type: 'refreshed', summary: { ...indexing, state: 'ready' } }], drafts)[0]?.state).toBe('ready');
    const failed = run([{ type: 'refreshed', summary: { ...indexing, state: 'error' } }], drafts)[0];
    expect(failed).toMatchObject({ state: 'error', error: INDEX_FAILED });
  });

  it("keeps a chunked file whose vectors failed sendable, with the server's reason", () => {
    const indexing = attachmentSummary({ id: 'A1', state: 'indexing', chunked: true });
    const drafts = run([
      { type: 'added', key: 'k1', file: file('manual.pdf') },
      { type: 'uploaded', key: 'k1', summary: indexing },
    ]);
    const index = { chunks: 40, embedded: 0, reason: 'No model can embed now.' };
    const failed = run([{ type: 'refreshed', summary: { ...indexing, state: 'error', index } }], drafts);
    expect(failed[0]).toMatchObject({ state: 'error', error: 'Found by words only for now: No model can embed now.' });
    expect(sendableDrafts(failed).map((d) => d.summary?.id)).toEqual(['A1']);
    const whole = attachmentSummary({ id: 'B1', state: 'error', chunked: false });
    const refused = run([
      { type: 'added', key: 'k2', file: file('b.txt') },
      { type: 'uploaded', key: 'k2', summary: whole },
    ]);
    expect(sendableDrafts(refused)).toEqual([]);
  });

  it('ignores progress after the upload ended, and events for files no longer there', () => {
    const ready = run([
      { type: 'added', key: 'k1', file: file('a.txt') },
      { type: 'uploaded', key: 'k1', summary: attachmentSummary({ id: 'A1' }) },
    ]);
    expect(applyDraftEvent(ready, { type: 'progress', key: 'k1', loaded: 1, total: 2 })).toBe(ready);
    expect(applyDraftEvent(ready, { type: 'removed', key: 'nope' })).toBe(ready);
    expect(applyDraftEvent(ready, { type: 'failed', key: 'nope', message: 'x' })).toBe(ready);
  });

  it('empties on send and puts the files back first, without doubles, after a send that stored nothing', () => {
    const ready = run([
      { type: 'added', key: 'k1', file: file('a.txt') },
      { type: 'uploaded', key: 'k1', summary: attachmentSummary({ id: 'A1' }) },
    ]);
    const taken = sendableDrafts(ready);
    const sent = applyDraftEvent(ready, { type: 'sent' });
    expect(sent).toEqual([]);
    const later = run([{ type: 'added', key: 'k2', file: file('b.txt') }], sent);
    const restored = run([{ type: 'restored', drafts: taken }], later);
    expect(restored.map((d) => d.key)).toEqual(['k1', 'k2']);
    expect(run([{ type: 'restored', drafts: taken }], restored).map((d) => d.key)).toEqual(['k1', 'k2']);
  });
});

describe('unsent uploads', () => {
  const a = attachmentSummary({ id: 'A1', name: 'a.md' });
  const b = attachmentSummary({ id: 'B1', name: 'b.log', state: 'indexing', chunked: true });

  it('offers the unsent uploads not in the composer, never a sent one', () => {
    const composer = run(
      [{ type: 'uploaded', key: 'k1', summary: a }],
      run([{ type: 'added', key: 'k1', file: file('a.md') }]),
    );
    const sent = attachmentSummary({ id: 'C1', message_id: 'M1' });
    expect(unsentToOffer([a, b, sent], composer).map((u) => u.id)).toEqual(['B1']);
    expect(unsentToOffer([a, b], []).map((u) => u.id)).toEqual(['A1', 'B1']);
  });

  it('puts them back in the composer as stored files, once each, in their state', () => {
    const resumed = run([
      {
        type: 'resumed',
        files: [
          { key: 'k1', summary: a },
          { key: 'k2', summary: b },
        ],
      },
    ]);
    expect(resumed.map((d) => [d.key, d.name, d.state])).toEqual([
      ['k1', 'a.md', 'ready'],
      ['k2', 'b.log', 'indexing'],
    ]);
    expect(sendableDrafts(resumed).map((d) => d.summary?.id)).toEqual(['A1', 'B1']);
    // The same file again changes nothing (the same array: signals stay quiet).
    expect(applyDraftEvent(resumed, { type: 'resumed', files: [{ key: 'k3', summary: a }] })).toBe(resumed);
  });

  it('says one file by name and more by count', () => {
    expect(unsentOfferText([a])).toBe('“a.md” was not sent yet');
    expect(unsentOfferText([a, b])).toBe('2 files not sent yet');
  });
});
