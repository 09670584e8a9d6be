import * as fs from 'fs';
import { formatDuration, parseDuration } from '../../query/duration';
import { type FlagSpec, numberFlag, type ParsedArgs, requiredFlag, stringFlag, UsageError } from '../args';
import { resolveSchedule } from '../demoMetrics/anchor';
import { writeOpenMetricsHistory } from '../demoMetrics/exposition';
import { startDemoMetricsServer } from '../demoMetrics/server';

const SERVE_ONLY = ['port', 'host'];
const BACKFILL_ONLY = ['days', 'out', 'step'];

export const DEMO_METRICS_FLAGS: Record<string, FlagSpec> = {
  port: { value: true, help: 'serve: port to listen on (default 9101)' },
  host: { value: true, help: 'serve: address to listen on (default 0.0.0.0)' },
  days: { value: true, help: 'backfill: days of history before the anchor (default 14)' },
  out: { value: true, help: 'backfill: OpenMetrics file to write (for promtool tsdb create-blocks-from openmetrics)' },
  step: { value: true, help: 'backfill: sample spacing, 5s..5m (default 1m)' },
  seed: { value: true, help: 'seed of the generated metrics (default 42); serve and backfill must agree' },
  anchor: { value: true, help: 'start of the incident schedule: ISO time or epoch ms (default now)' },
  'anchor-file': {
    value: true,
    help: 'read the anchor from this JSON file, or create it with now: share it between backfill and serve',
  },
};

function scheduleFromArgs(args: ParsedArgs) {
  return resolveSchedule(
    { anchor: stringFlag(args, 'anchor'), anchorFile: stringFlag(args, 'anchor-file'), seed: numberFlag(args, 'seed') },
    Date.now()
  );
}

function rejectFlags(args: ParsedArgs, names: string[], sub: string): void {
  for (const name of names) {
    if (args.flags.has(name)) {
      throw new UsageError(`--${name} does not apply to \`demo-metrics ${sub}\``);
    }
  }
}

/** `vigil demo-metrics serve|backfill`: the stack's demo service and its history. */
export function runDemoMetrics(args: ParsedArgs, log: (line: string) => void): void {
  const [sub, ...extra] = args.positional;
  if (extra.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(extra[0])}`);
  }
  if (sub === 'serve') {
    rejectFlags(args, BACKFILL_ONLY, sub);
    serve(args, log);
  } else if (sub === 'backfill') {
    rejectFlags(args, SERVE_ONLY, sub);
    backfill(args, log);
  } else {
    throw new UsageError(
      sub === undefined ? 'choose serve or backfill' : `unknown subcommand ${JSON.stringify(sub)}: serve or backfill`
    );
  }
}

function backfill(args: ParsedArgs, log: (line: string) => void): void {
  const out = requiredFlag(args, 'out');
  const days = numberFlag(args, 'days') ?? 14;
  if (!(days > 0 && days <= 90)) {
    throw new UsageError(`--days must be in (0, 90], got ${days}`);
  }
  const stepText = stringFlag(args, 'step') ?? '1m';
  let stepMs: number;
  try {
    stepMs = parseDuration(stepText);
  } catch (e) {
    throw new UsageError(`--step: ${(e as Error).message}`);
  }
  if (!(stepMs >= 5000 && stepMs <= 300_000 && stepMs % 1000 === 0)) {
    throw new UsageError(`--step must be whole seconds from 5s to 5m, got ${stepText}`);
  }
  const schedule = scheduleFromArgs(args);
  const toMs = schedule.anchorMs;
  const fromMs = toMs - Math.round(days * 86_400_000);
  let fd: number;
  try {
    fd = fs.openSync(out, 'w');
  } catch (e) {
    throw new UsageError(`cannot write ${out}: ${(e as Error).message}`);
  }
  let samples: number;
  try {
    samples = writeOpenMetricsHistory(schedule, fromMs, toMs, stepMs, (chunk) => fs.writeSync(fd, chunk));
  } finally {
    fs.closeSync(fd);
  }
  log(
    `wrote ${samples} samples (${new Date(fromMs).toISOString()} .. ${new Date(toMs).toISOString()}, every ${formatDuration(stepMs)}) to ${out}`
  );
}

function serve(args: ParsedArgs, log: (line: string) => void): void {
  const port = numberFlag(args, 'port') ?? 9101;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) {
    throw new UsageError(`--port must be an integer from 0 to 65535, got ${port}`);
  }
  const host = stringFlag(args, 'host') ?? '0.0.0.0';
  const schedule = scheduleFromArgs(args);
  // The command interface is synchronous: the listening server keeps the process alive, and a
  // failure to listen (port taken) is reported here and ends the process with status 1.
  startDemoMetricsServer({ schedule, port, host, log }).then(
    (server) => {
      log(
        `vigil demo metrics on ${host}:${server.port} (anchor ${new Date(schedule.anchorMs).toISOString()}, seed ${schedule.seed}): /metrics /incidents /alerts /healthz`
      );
      const stop = () => {
        void server.close().then(() => process.exit(0));
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (e: Error) => {
      process.stderr.write(`vigil demo-metrics: cannot listen on ${host}:${port}: ${e.message}\n`);
      process.exit(1);
    }
  );
}
