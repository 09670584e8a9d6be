/** Raised for input a user can fix: bad options, a model file that cannot be read. */
export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}
