/** Heights of the rendered messages and of the viewport, measured with one ResizeObserver and cached per id. */
import { useSignal } from '@preact/signals';
import { useLayoutEffect, useRef } from 'preact/hooks';

/** What {@link useMeasuredHeights} gives the list. */
export interface MeasuredHeights {
  /** Measured height per message id (messages not measured yet are estimated by the caller). */
  heights: ReadonlyMap<string, number>;
  /** Bumped whenever a height changed: a dependency for offsets computed from `heights`. */
  version: number;
  /** The scroller's height; `0` before it was measured. */
  viewportHeight: number;
  /** Watches the scroller and its rendered items (`[data-virtual-item]`); call from a layout effect. */
  observe: (scroller: HTMLElement) => void;
}

/**
 * Measures what the list renders. Reading the result in render subscribes the component, so a new measurement
 * renders the list again.
 *
 * @example
 * const { heights, version, viewportHeight, observe } = useMeasuredHeights(scrollerRef);
 */
export function useMeasuredHeights(scrollerRef: { readonly current: HTMLElement | null }): MeasuredHeights {
  const heights = useRef(new Map<string, number>());
  const observed = useRef(new Set<Element>());
  const observer = useRef<ResizeObserver | null>(null);
  const viewport = useSignal(0);
  const measured = useSignal(0);

  const onResize = (entries: ResizeObserverEntry[]) => {
    let changed = false;
    for (const entry of entries) {
      const target = entry.target as HTMLElement;
      if (target === scrollerRef.current) {
        viewport.value = target.clientHeight;
        continue;
      }
      const id = target.dataset.id;
      if (!id || !target.isConnected) continue;
      const h = entry.borderBoxSize?.[0]?.blockSize ?? target.getBoundingClientRect().height;
      if (h > 0 && Math.abs((heights.current.get(id) ?? -1) - h) > 0.5) {
        heights.current.set(id, h);
        changed = true;
      }
    }
    if (changed) measured.value++;
  };

  const observe = (scroller: HTMLElement) => {
    observer.current ??= new ResizeObserver(onResize);
    const ro = observer.current;
    const seen = observed.current;
    if (!seen.has(scroller)) {
      ro.observe(scroller);
      seen.add(scroller);
      viewport.value = scroller.clientHeight;
    }
    for (const item of seen) {
      if (item !== scroller && !item.isConnected) {
        ro.unobserve(item);
        seen.delete(item);
      }
    }
    for (const item of scroller.querySelectorAll<HTMLElement>('[data-virtual-item]')) {
      if (!seen.has(item)) {
        ro.observe(item);
        seen.add(item);
      }
    }
  };

  useLayoutEffect(
    () => () => {
      observer.current?.disconnect();
    },
    [],
  );

  return { heights: heights.current, version: measured.value, viewportHeight: viewport.value, observe };
}
