/**
 * A cheap, stable identity for "the data this model was trained on": two 32-bit multiply-rotate
 * lanes over the 32-bit words of the timestamps' and values' IEEE-754 bytes, mixed at the end
 * (murmur3's finaliser). Word-wise so fingerprinting 10^5 points costs well under a millisecond.
 * Not cryptographic: it tells "same data" from "different data", nothing more.
 */
export function fingerprintSeries(t: Float64Array, v: Float64Array): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  // One inline loop with the lanes in locals: a closure updating captured variables kept them in
  // a heap context and cost several times as much per word.
  for (const arr of [t, v]) {
    const words = new Uint32Array(arr.buffer, arr.byteOffset, arr.length * 2);
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      h1 = Math.imul(h1 ^ w, 0x9e3779b1);
      h1 = (h1 << 13) | (h1 >>> 19);
      h2 = Math.imul(h2 + w, 0x85ebca77);
      h2 = ((h2 << 17) | (h2 >>> 15)) ^ h1;
    }
    h1 ^= arr.length;
    h2 ^= arr.length;
  }
  return hex(mix(h1 ^ h2)) + hex(mix(h2 + Math.imul(h1, 0x27d4eb2f)));
}

function mix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

function hex(x: number): string {
  return (x >>> 0).toString(16).padStart(8, '0');
}
