// A cap on the bytes of frames one QueryData answer carries. gRPC refuses a message over 2 GiB
// (Grafana accepts up to MaxInt32), and the backend holds the whole answer in memory until it is
// sent, so without a cap a dashboard of many large queries would take the process's memory and
// then fail as a whole. Each query reserves its frames' size before encoding them; a query that
// does not fit gets a clear error and the others keep their answers.

/** Default cap: below gRPC's 2 GiB with room for the protobuf framing. */
export const DEFAULT_RESPONSE_LIMIT_BYTES = 1536 * 2 ** 20;

/** Arrow metadata per frame (schema, labels, field config) beyond its columns; measured ~1.8 KB. */
const FRAME_OVERHEAD_BYTES = 2048;

export class ResponseLimitError extends Error {}

export class ResponseBudget {
  private used = 0;

  constructor(readonly limitBytes: number = DEFAULT_RESPONSE_LIMIT_BYTES) {}

  /** Takes `bytes` from the budget, or throws ResponseLimitError saying what to change. */
  reserve(bytes: number): void {
    if (this.used + bytes > this.limitBytes) {
      const mib = (b: number) => Math.ceil(b / 2 ** 20);
      const others = this.used > 0 ? `, with ${mib(this.used)} MiB already taken by other queries of the request` : '';
      throw new ResponseLimitError(
        `answer too large: this query's frames would take about ${mib(bytes)} MiB${others}, ` +
          `and one answer is limited to ${mib(this.limitBytes)} MiB; query fewer series, a shorter range, ` +
          'a larger step (or lower Max data points) or fewer outputs'
      );
    }
    this.used += bytes;
  }
}

/**
 * What the frames of `series` take: one frame per series and output, each with its own time
 * column (8 bytes a point) and value column (8 bytes a point).
 */
export function frameBytes(
  series: ReadonlyArray<{ series: { t: ArrayLike<number> }; from: number }>,
  outputs: number
): number {
  let points = 0;
  for (const s of series) {
    points += s.series.t.length - s.from;
  }
  return outputs * (16 * points + FRAME_OVERHEAD_BYTES * series.length);
}
