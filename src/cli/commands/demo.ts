import type { FlagSpec, ParsedArgs } from '../args';
import { MODEL_FLAGS } from '../modelFlags';

export const DEMO_FLAGS: Record<string, FlagSpec> = {
  output: { value: true, help: 'HTML report to write (default vigil-demo.html)' },
  ...MODEL_FLAGS,
};

export function runDemo(args: ParsedArgs, log: (line: string) => void): void {
  void args;
  log('demo: not yet');
}
