/** Recorded in every serialised model so a score can be traced to the code that produced it. */
export const LIBRARY_VERSION = '0.1.0';
