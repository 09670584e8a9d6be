/**
 * Test helper: jsdom has no canvas, and the scaffold's jest setup stubs getContext() to return
 * nothing, but @grafana/ui's Combobox measures option text on a canvas to size its menu. This gives
 * it a 2D context that measures text at a fixed width per character.
 */
export function stubCanvasText(): void {
  HTMLCanvasElement.prototype.getContext = function () {
    return { font: '', measureText: (text: string) => ({ width: text.length * 7 }) };
  } as unknown as HTMLCanvasElement['getContext'];
}
