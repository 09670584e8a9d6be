import { formatHelp, parseArgs, UsageError, type FlagSpec, type ParsedArgs } from './args';
import { BACKTEST_FLAGS, runBacktest } from './commands/backtest';
import { DEMO_FLAGS, runDemo } from './commands/demo';
import { DEMO_METRICS_FLAGS, runDemoMetrics } from './commands/demoMetrics';
import { EVAL_FLAGS, runEval } from './commands/eval';
import { runServe, SERVE_FLAGS } from './commands/serve';
import { LIBRARY_VERSION } from '../model/version';

interface Command {
  summary: string;
  usage: string;
  flags: Record<string, FlagSpec>;
  run(args: ParsedArgs, log: (line: string) => void): void;
}

const COMMANDS: Record<string, Command> = {
  backtest: {
    summary: 'replay a series causally and write per-row scores',
    usage: 'vigil backtest --input FILE --output OUT.csv [--model M] [options]',
    flags: BACKTEST_FLAGS,
    run: runBacktest,
  },
  eval: {
    summary: 'score a model on a labelled NAB-format corpus',
    usage: 'vigil eval --corpus DIR [--model M] [options]',
    flags: EVAL_FLAGS,
    run: runEval,
  },
  demo: {
    summary: 'backtest generated service metrics and write an HTML report',
    usage: 'vigil demo [--output vigil-demo.html] [options]',
    flags: DEMO_FLAGS,
    run: runDemo,
  },
  serve: {
    summary: 'score PromQL queries on a schedule and serve the scores on /metrics',
    usage: 'vigil serve --config vigil-serve.json [--listen 0.0.0.0:9464] [--once]',
    flags: SERVE_FLAGS,
    run: runServe,
  },
  'demo-metrics': {
    summary: 'serve the demo metrics live, or write their history for promtool',
    usage: 'vigil demo-metrics serve [--port 9101] | backfill --out FILE [--days 14] [options]',
    flags: DEMO_METRICS_FLAGS,
    run: runDemoMetrics,
  },
};

function usage(): string {
  const lines = ['usage: vigil <command> [options]', '', 'commands:'];
  for (const [name, c] of Object.entries(COMMANDS)) {
    lines.push(`  ${name.padEnd(14)}${c.summary}`);
  }
  lines.push('', 'run `vigil <command> --help` for its options');
  return lines.join('\n');
}

/** Runs the CLI; returns the exit code (0 ok, 1 failed, 2 bad usage). */
export function main(
  argv: string[],
  out: (s: string) => void = (s) => void process.stdout.write(s + '\n'),
  err: (s: string) => void = (s) => void process.stderr.write(s + '\n')
): number {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === 'version') {
    out(LIBRARY_VERSION);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    err(`vigil: unknown command ${JSON.stringify(name)}\n\n${usage()}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    out(`usage: ${command.usage}\n\noptions:\n${formatHelp(command.flags)}`);
    return 0;
  }
  try {
    command.run(parseArgs(rest, command.flags), out);
    return 0;
  } catch (e) {
    const error = e as Error;
    if (error instanceof UsageError) {
      err(`vigil ${name}: ${error.message}\nusage: ${command.usage}`);
      return 2;
    }
    err(`vigil ${name}: ${error.message}`);
    if (process.env.VIGIL_DEBUG) {
      err(String(error.stack));
    }
    return 1;
  }
}
