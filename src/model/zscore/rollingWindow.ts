/**
 * The last `capacity` finite values, kept both in arrival order (a ring) and sorted, so the
 * median and MAD of the window cost O(capacity) per point with no allocation.
 */
export class RollingWindow {
  private readonly ring: Float64Array;
  private readonly sorted: Float64Array;
  private readonly scratch: Float64Array;
  private head = 0;
  size = 0;

  constructor(readonly capacity: number) {
    this.ring = new Float64Array(capacity);
    this.sorted = new Float64Array(capacity);
    this.scratch = new Float64Array(capacity);
  }

  push(x: number): void {
    if (this.size === this.capacity) {
      const old = this.ring[this.head];
      this.removeSorted(old);
    } else {
      this.size++;
    }
    this.ring[this.head] = x;
    this.head = (this.head + 1) % this.capacity;
    this.insertSorted(x);
  }

  median(): number {
    return medianOf(this.sorted, this.size);
  }

  /** Median absolute deviation around `center`. */
  mad(center: number): number {
    const n = this.size;
    // |x - center| over a sorted array is V-shaped: merge the two monotone halves to stay sorted.
    let split = 0;
    while (split < n && this.sorted[split] < center) {
      split++;
    }
    let i = split - 1;
    let j = split;
    for (let k = 0; k < n; k++) {
      const a = i >= 0 ? center - this.sorted[i] : Infinity;
      const b = j < n ? this.sorted[j] - center : Infinity;
      if (a <= b) {
        this.scratch[k] = a;
        i--;
      } else {
        this.scratch[k] = b;
        j++;
      }
    }
    return medianOf(this.scratch, n);
  }

  private insertSorted(x: number): void {
    let k = this.size - 1;
    while (k > 0 && this.sorted[k - 1] > x) {
      this.sorted[k] = this.sorted[k - 1];
      k--;
    }
    this.sorted[k] = x;
  }

  private removeSorted(x: number): void {
    const n = this.size;
    let k = 0;
    while (k < n && this.sorted[k] !== x) {
      k++;
    }
    for (; k < n - 1; k++) {
      this.sorted[k] = this.sorted[k + 1];
    }
    // The slot at n-1 is refilled by the insert that always follows a removal.
  }
}

function medianOf(a: Float64Array, n: number): number {
  if (n === 0) {
    return NaN;
  }
  const h = n >> 1;
  return n % 2 ? a[h] : 0.5 * (a[h - 1] + a[h]);
}
