/**
 * A small, strict flag parser: `--name value`, `--name=value` and boolean `--flag`. Unknown
 * flags are errors so a typo never silently runs with defaults.
 */

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface FlagSpec {
  /** Takes a value (otherwise a boolean switch). */
  value: boolean;
  help: string;
}

export interface ParsedArgs {
  flags: Map<string, string | true>;
  positional: string[];
}

export function parseArgs(argv: string[], spec: Record<string, FlagSpec>): ParsedArgs {
  const flags = new Map<string, string | true>();
  const positional: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const s = spec[name];
    if (!s) {
      throw new UsageError(`unknown option --${name}`);
    }
    if (!s.value) {
      if (eq !== -1) {
        throw new UsageError(`option --${name} takes no value`);
      }
      flags.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      value = argv[++i];
      if (value === undefined || value.startsWith('--')) {
        throw new UsageError(`option --${name} needs a value`);
      }
    }
    flags.set(name, value);
  }
  return { flags, positional };
}

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === 'string' ? v : undefined;
}

export function requiredFlag(args: ParsedArgs, name: string): string {
  const v = stringFlag(args, name);
  if (v === undefined) {
    throw new UsageError(`missing required option --${name}`);
  }
  return v;
}

export function numberFlag(args: ParsedArgs, name: string): number | undefined {
  const v = stringFlag(args, name);
  if (v === undefined) {
    return undefined;
  }
  const x = Number(v);
  if (v.trim() === '' || !Number.isFinite(x)) {
    throw new UsageError(`option --${name} needs a number, got ${JSON.stringify(v)}`);
  }
  return x;
}

export function formatHelp(spec: Record<string, FlagSpec>): string {
  return Object.entries(spec)
    .map(([name, s]) => `  --${name}${s.value ? ' VALUE' : ''}`.padEnd(30) + s.help)
    .join('\n');
}
