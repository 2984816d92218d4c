// @vitest-environment happy-dom
/**
 * focusComposer in a DOM (happy-dom): the deferred move lands on the message box, except where a text field has
 * focus or the person moved focus elsewhere before the frame came (the start-up race a keyboard user can win).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { COMPOSER_ID, focusComposer } from './focus.js';

let frames: FrameRequestCallback[] = [];

/** Runs the frames asked for so far, as the browser's next render would. */
function nextFrame(): void {
  const due = frames;
  frames = [];
  for (const frame of due) frame(0);
}

beforeEach(() => {
  document.body.innerHTML = `
    <input id="search" />
    <button id="row">Chat</button>
    <textarea id="${COMPOSER_ID}"></textarea>
    <button id="attach">Attach files</button>`;
  vi.stubGlobal('requestAnimationFrame', (frame: FrameRequestCallback) => frames.push(frame));
  vi.stubGlobal('matchMedia', (query: string) => ({ matches: false, media: query }));
});

afterEach(() => {
  frames = [];
  vi.unstubAllGlobals();
  document.body.innerHTML = '';
});

const byId = (id: string) => document.getElementById(id) as HTMLElement;

describe('focusComposer', () => {
  it('moves focus to the message box on the next frame, from nothing or from the button that asked', () => {
    focusComposer();
    expect(document.activeElement).toBe(document.body);
    nextFrame();
    expect(document.activeElement).toBe(byId(COMPOSER_ID));

    byId('row').focus();
    focusComposer();
    nextFrame();
    expect(document.activeElement).toBe(byId(COMPOSER_ID));
  });

  it('leaves focus where the person moved it before the frame came', () => {
    focusComposer();
    byId(COMPOSER_ID).focus();
    // Tab to the paper clip while the app still starts.
    byId('attach').focus();
    nextFrame();
    expect(document.activeElement).toBe(byId('attach'));
  });

  it('never pulls focus out of a text field', () => {
    byId('search').focus();
    focusComposer();
    nextFrame();
    expect(document.activeElement).toBe(byId('search'));
  });

  it('does nothing on touch screens', () => {
    vi.stubGlobal('matchMedia', (query: string) => ({ matches: query.includes('coarse'), media: query }));
    focusComposer();
    nextFrame();
    expect(frames).toEqual([]);
    expect(document.activeElement).toBe(document.body);
  });
});
