/**
 * A layout for a DOM that has none (happy-dom computes no sizes), for component tests of the message list: the
 * scroller (`.message-scroller`) is `viewport` pixels tall, each rendered item (`[data-virtual-item]`) is as tall as
 * the test measured it (else `heightOf` says), its content is the track's padding plus those items, and `scrollTop`
 * clamps as a browser's does. Measurements reach the list through a fake ResizeObserver, as a browser's would.
 */
import { vi } from 'vitest';

/** The fake layout of one test. */
export interface FakeLayout {
  /** Reports a new height of the rendered item `id` to the list (a reply grew, an image loaded). */
  resize(id: string, height: number): void;
  /** The scroller's bottom scroll position now. */
  bottom(scroller: HTMLElement): number;
  /** Removes the fakes. */
  restore(): void;
}

const SCROLLER = 'message-scroller';

/**
 * Installs the fake layout; `heightOf(id)` is an item's height before it is measured.
 *
 * @example
 * const layout = installFakeLayout({ viewport: 400, heightOf: () => 78 });
 * layout.resize('m1', 300);
 */
export function installFakeLayout(options: { viewport: number; heightOf: (id: string) => number }): FakeLayout {
  const measured = new Map<string, number>();
  const tops = new WeakMap<Element, number>();
  let callback: ResizeObserverCallback | undefined;
  const observed = new Set<Element>();
  const itemHeight = (item: HTMLElement) => {
    const id = item.dataset.id ?? '';
    return measured.get(id) ?? options.heightOf(id);
  };
  const contentHeight = (scroller: HTMLElement) => {
    const track = scroller.querySelector<HTMLElement>('.message-track');
    if (!track) return 0;
    const pad = (Number.parseFloat(track.style.paddingTop) || 0) + (Number.parseFloat(track.style.paddingBottom) || 0);
    let items = 0;
    for (const item of track.querySelectorAll<HTMLElement>('[data-virtual-item]')) items += itemHeight(item);
    return pad + items;
  };
  const isScroller = (el: Element) => el.classList.contains(SCROLLER);
  const maxTop = (el: HTMLElement) => Math.max(0, contentHeight(el) - options.viewport);
  const proto = HTMLElement.prototype;
  const saved = ['clientHeight', 'scrollHeight', 'scrollTop'].map(
    (name) => [name, Object.getOwnPropertyDescriptor(proto, name)] as const,
  );
  Object.defineProperty(proto, 'clientHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return isScroller(this) ? options.viewport : 0;
    },
  });
  Object.defineProperty(proto, 'scrollHeight', {
    configurable: true,
    get(this: HTMLElement) {
      return isScroller(this) ? Math.max(contentHeight(this), options.viewport) : 0;
    },
  });
  Object.defineProperty(proto, 'scrollTop', {
    configurable: true,
    get(this: HTMLElement) {
      return tops.get(this) ?? 0;
    },
    set(this: HTMLElement, value: number) {
      tops.set(this, isScroller(this) ? Math.min(Math.max(0, value), maxTop(this)) : value);
    },
  });
  class FakeResizeObserver {
    constructor(cb: ResizeObserverCallback) {
      callback = cb;
    }
    observe(target: Element) {
      observed.add(target);
    }
    unobserve(target: Element) {
      observed.delete(target);
    }
    disconnect() {
      observed.clear();
    }
  }
  vi.stubGlobal('ResizeObserver', FakeResizeObserver);
  return {
    resize(id, height) {
      measured.set(id, height);
      const target = [...observed].find((el) => (el as HTMLElement).dataset.id === id);
      if (!target || !callback) throw new Error(`item ${id} is not rendered`);
      const entry = { target, borderBoxSize: [{ blockSize: height, inlineSize: 600 }] };
      callback([entry as unknown as ResizeObserverEntry], {} as ResizeObserver);
    },
    bottom: maxTop,
    restore() {
      for (const [name, descriptor] of saved) {
        if (descriptor) Object.defineProperty(proto, name, descriptor);
        else delete (proto as unknown as Record<string, unknown>)[name];
      }
      vi.unstubAllGlobals();
    },
  };
}
