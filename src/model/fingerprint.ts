/**
 * FNV-1a 64-bit over the IEEE-754 bytes of the timestamps and values: a cheap, stable identity
 * for "the data this model was trained on". BigInt-free so it runs fast in any JS engine.
 */
export function fingerprintSeries(t: Float64Array, v: Float64Array): string {
  // Two 32-bit halves of the 64-bit FNV state, multiplied by the FNV prime 0x100000001b3.
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  const feed = (arr: Float64Array) => {
    const bytes = new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength);
    for (let i = 0; i < bytes.length; i++) {
      lo ^= bytes[i];
      // (hi,lo) * 0x1_000001b3 mod 2^64
      const loMul = lo * 0x1b3;
      const carry = Math.floor(loMul / 0x100000000);
      const newLo = loMul >>> 0;
      hi = (hi * 0x1b3 + (lo << 8) + carry) >>> 0;
      lo = newLo;
    }
  };
  feed(t);
  feed(v);
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}
