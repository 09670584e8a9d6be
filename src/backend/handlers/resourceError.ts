/** A resource request problem: the status to answer and a message the user can act on. */
export class ResourceError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {}
  ) {
    super(message);
    this.name = 'ResourceError';
  }
}
