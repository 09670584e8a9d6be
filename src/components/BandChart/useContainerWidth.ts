import { useLayoutEffect, useState, type RefObject } from 'react';

/** The element's width, followed as it resizes; `fallback` where nothing can measure (jsdom). */
export function useContainerWidth(ref: RefObject<HTMLElement>, fallback: number): number {
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') {
      return;
    }
    const update = () => {
      const w = Math.floor(el.getBoundingClientRect().width);
      if (w > 0) {
        setWidth(w);
      }
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}
