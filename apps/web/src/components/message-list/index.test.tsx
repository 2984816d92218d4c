// @vitest-environment happy-dom
/**
 * The message list and its virtual scrolling in a DOM (happy-dom, with a fake layout: it computes no sizes): a long
 * chat renders windowed, the bottom stays pinned while a reply grows until the reader scrolls up, a search hit is
 * brought into view, pages loaded above keep what the reader sees in place, and `‹ n / m ›` shows a message's versions.
 */
import { render } from 'preact';
import { act } from 'preact/test-utils';
import type { ChatMessage } from '@chat-studio/protocol';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { estimateHeight } from '../../lib/virtual-list.js';
import { createStreamState } from '../../lib/stream-reducer.js';
import { focusMessageId, messages, messagesSessionId, openCount } from '../../models/messages.js';
import { currentSessionId } from '../../models/sessions.js';
import { beginStream, sessionStreams } from '../../models/streams.js';
import { chatMessage } from '../../testing/chat-message.js';
import { installFakeLayout, type FakeLayout } from '../../testing/fake-layout.js';
import { MessageList } from './index.js';
import { useVirtualScroll, type VirtualScrollInput } from './use-virtual-scroll.js';

const VIEWPORT = 400;
/** The estimated height of every fixture message ('hello'): the list's and the fake layout's agree. */
const ROW = estimateHeight('hello');

/** `n` messages of one chat, alternating question and reply, oldest first. */
function chat(n: number, from = 0): ChatMessage[] {
  return Array.from({ length: n }, (_, k) =>
    chatMessage({
      id: `m${from + k}`,
      session_id: 's1',
      role: (from + k) % 2 === 0 ? 'user' : 'assistant',
      content: 'hello',
    }),
  );
}

let host: HTMLElement;
let layout: FakeLayout;

beforeEach(() => {
  layout = installFakeLayout({ viewport: VIEWPORT, heightOf: () => ROW });
  host = document.createElement('div');
  document.body.append(host);
  currentSessionId.value = 's1';
  messagesSessionId.value = 's1';
});

afterEach(() => {
  render(null, host);
  host.remove();
  layout.restore();
  messages.value = [];
  focusMessageId.value = null;
  sessionStreams.value = new Map();
  currentSessionId.value = null;
  messagesSessionId.value = null;
});

async function mount(list: ChatMessage[]): Promise<HTMLElement> {
  messages.value = list;
  await act(() => {
    render(<MessageList />, host);
  });
  // The first layout effect measured the viewport; the render after it uses the real height.
  await act(async () => {});
  return host.querySelector<HTMLElement>('[data-testid="message-list"]')!;
}

const renderedIds = (root: HTMLElement) =>
  [...root.querySelectorAll<HTMLElement>('[data-virtual-item]')].map((item) => item.dataset.id);

async function scrollBy(scroller: HTMLElement, dy: number): Promise<void> {
  await act(() => {
    if (dy < 0) scroller.dispatchEvent(new WheelEvent('wheel', { deltaY: dy, bubbles: true }));
    scroller.scrollTop += dy;
    scroller.dispatchEvent(new Event('scroll'));
  });
}

describe('MessageList', () => {
  it('renders a long chat windowed: the newest messages and their overscan, padded to the full height', async () => {
    const scroller = await mount(chat(2000));
    const ids = renderedIds(scroller);
    expect(scroller.dataset.count).toBe('2000');
    expect(ids.length).toBeGreaterThan(VIEWPORT / ROW);
    expect(ids.length).toBeLessThan(30);
    expect(ids.at(-1)).toBe('m1999');
    // One contiguous run of messages, standing where the padding above says.
    const first = Number(ids[0]!.slice(1));
    expect(ids).toEqual(Array.from({ length: ids.length }, (_, k) => `m${first + k}`));
    const track = scroller.querySelector<HTMLElement>('.message-track')!;
    expect(Number.parseFloat(track.style.paddingTop)).toBe(first * ROW);
    expect(scroller.scrollHeight).toBe(2000 * ROW);
    expect(scroller.scrollTop).toBe(layout.bottom(scroller));
    expect(scroller.dataset.following).toBe('true');
  });

  it('keeps the bottom pinned while a reply grows, until the reader scrolls up; Newest follows again', async () => {
    const list = chat(300);
    beginStream({
      sessionId: 's1',
      state: createStreamState(0),
      userMessage: list[298]!,
      reply: list[299]!,
      controller: null,
    });
    const scroller = await mount(list);
    expect(scroller.querySelector('[data-message-id="m299"]')?.getAttribute('data-streaming')).toBe('true');
    for (const height of [300, 900, 1500]) {
      await act(() => layout.resize('m299', height));
      expect(scroller.scrollTop).toBe(layout.bottom(scroller));
      expect(scroller.scrollTop).toBe(299 * ROW + height - VIEWPORT);
    }
    expect(scroller.dataset.following).toBe('true');
    expect(host.querySelector('[data-testid="jump-newest"]')).toBeNull();

    // Up into the reply itself: it is still rendered, and still growing.
    await scrollBy(scroller, -600);
    const reading = scroller.scrollTop;
    expect(scroller.dataset.following).toBe('false');
    await act(() => layout.resize('m299', 2400));
    // The reply grows below the reader, who stays where they were.
    expect(scroller.scrollTop).toBe(reading);
    expect(host.querySelector('[data-testid="jump-newest"]')).not.toBeNull();

    await act(() => host.querySelector<HTMLButtonElement>('[data-testid="jump-newest"]')!.click());
    await act(async () => {});
    expect(scroller.dataset.following).toBe('true');
    expect(scroller.scrollTop).toBe(299 * ROW + 2400 - VIEWPORT);
  });

  it('jumps to a message: renders it, highlights and focuses it a quarter down the view, and clears the request', async () => {
    const scroller = await mount(chat(500));
    expect(renderedIds(scroller)).not.toContain('m100');
    await act(() => {
      focusMessageId.value = 'm100';
    });
    await act(async () => {});
    expect(renderedIds(scroller)).toContain('m100');
    expect(scroller.scrollTop).toBe(100 * ROW - VIEWPORT / 4);
    const hit = scroller.querySelector<HTMLElement>('[data-message-id="m100"]')!;
    expect(hit.classList.contains('focused')).toBe(true);
    expect(document.activeElement).toBe(hit);
    expect(focusMessageId.value).toBeNull();
    expect(scroller.dataset.following).toBe('false');
    // Opening the chat again goes back to the bottom.
    await act(() => {
      openCount.value++;
    });
    expect(scroller.scrollTop).toBe(layout.bottom(scroller));
  });

  it('shows ‹ n / m › on messages with other versions, disabled at the ends and while a reply runs', async () => {
    const list = [
      chatMessage({ id: 'q', session_id: 's1', role: 'user', content: 'hi', sibling_position: 2, sibling_count: 3 }),
      chatMessage({
        id: 'a',
        session_id: 's1',
        role: 'assistant',
        content: 'hello',
        sibling_position: 1,
        sibling_count: 2,
      }),
      chatMessage({ id: 'q2', session_id: 's1', role: 'user', content: 'more' }),
    ];
    const scroller = await mount(list);
    const control = (id: string) =>
      scroller.querySelector<HTMLElement>(`[data-message-id="${id}"] [data-testid="branch-control"]`);
    const buttons = (id: string) => [...control(id)!.querySelectorAll('button')].map((b) => b.disabled);
    expect(control('q')!.getAttribute('aria-label')).toBe('Version 2 of 3');
    expect(control('q')!.querySelector('[data-testid="branch-position"]')!.textContent).toBe('2 / 3');
    expect(buttons('q')).toEqual([false, false]);
    expect(control('a')!.textContent).toContain('1 / 2');
    expect(buttons('a')).toEqual([true, false]);
    expect(control('q2')).toBeNull();
    const reply = chatMessage({ id: 'r', session_id: 's1', role: 'assistant', content: '' });
    await act(() => {
      beginStream({ sessionId: 's1', state: createStreamState(0), userMessage: list[2]!, reply, controller: null });
    });
    expect(buttons('q')).toEqual([true, true]);
  });
});

/** The hook alone, rendered as the list renders it, with the caller's side observed. */
function Harness({ input }: { input: VirtualScrollInput }) {
  const scroll = useVirtualScroll(input);
  const { win } = scroll;
  return (
    <div
      class="message-scroller"
      data-testid="message-list"
      data-following={String(scroll.view.following)}
      ref={scroll.scrollerRef}
      onScroll={scroll.onScroll}
      onWheel={scroll.onWheel}
    >
      <div class="message-track" style={{ paddingTop: `${win.padTop}px`, paddingBottom: `${win.padBottom}px` }}>
        {input.list.slice(win.start, win.end).map((m) => (
          <div key={m.id} data-virtual-item="" data-id={m.id} />
        ))}
      </div>
    </div>
  );
}

describe('useVirtualScroll', () => {
  const edges: string[] = [];
  const input = (list: ChatMessage[]): VirtualScrollInput => ({
    list,
    streamingId: null,
    openCount: 1,
    sendCount: 0,
    focusId: null,
    newerPending: false,
    onNearEdge: (edge) => void edges.push(edge),
    onFocused: () => undefined,
  });

  async function mountHarness(list: ChatMessage[]): Promise<HTMLElement> {
    await act(() => {
      render(<Harness input={input(list)} />, host);
    });
    await act(async () => {});
    return host.querySelector<HTMLElement>('[data-testid="message-list"]')!;
  }

  it('asks for the older page near the top, and keeps the message the reader sees in place when it arrives', async () => {
    edges.length = 0;
    const list = chat(200, 60);
    const scroller = await mountHarness(list);
    expect(edges).toEqual([]);
    await scrollBy(scroller, -(scroller.scrollTop - 700));
    expect(scroller.dataset.following).toBe('false');
    expect(edges).toContain('older');
    const seen = renderedIds(scroller);
    await act(() => {
      render(<Harness input={input([...chat(60), ...list])} />, host);
    });
    // Sixty messages more above: the same message at the same place in the view, 60 rows further down the content.
    expect(scroller.scrollTop).toBe(700 + 60 * ROW);
    expect(renderedIds(scroller)).toEqual(expect.arrayContaining(seen.slice(5, 8)));
  });

  it('follows new messages at the bottom; scrolled up, they do not move the view', async () => {
    const scroller = await mountHarness(chat(100));
    await act(() => {
      render(<Harness input={input(chat(102))} />, host);
    });
    expect(scroller.scrollTop).toBe(102 * ROW - VIEWPORT);
    await scrollBy(scroller, -1000);
    const reading = scroller.scrollTop;
    await act(() => {
      render(<Harness input={input(chat(104))} />, host);
    });
    expect(scroller.scrollTop).toBe(reading);
    expect(scroller.dataset.following).toBe('false');
  });
});
