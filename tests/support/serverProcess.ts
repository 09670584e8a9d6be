import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/** A server started for a test: its process, the tail of what it printed, and its exit. */
export interface ServerProcess {
  child: ChildProcess;
  /** The last 20,000 characters of stdout and stderr, for failure messages. */
  output(): string;
  /** Resolves with the exit code (-1 when it could not start). */
  exited: Promise<number | null>;
  /** The exit code once it has exited, else undefined. */
  exitCode(): number | null | undefined;
  /** Sends `signal`, then `force` if it has not exited within 5 s; resolves once it has exited. */
  stop(signal: NodeJS.Signals, force: NodeJS.Signals): Promise<void>;
}

/** Spawns `cmd` with stdout and stderr kept (their tail) for the test's error messages. */
export function startServerProcess(cmd: string, args: string[], options: SpawnOptions = {}): ServerProcess {
  const child = spawn(cmd, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let code: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (c) => resolve(c));
    child.once('error', () => resolve(-1));
  });
  void exited.then((c) => (code = c));
  const stop = async (signal: NodeJS.Signals, force: NodeJS.Signals) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      return;
    }
    child.kill(signal);
    const timer = setTimeout(() => child.kill(force), 5000);
    await exited;
    clearTimeout(timer);
  };
  return { child, output: () => output, exited, exitCode: () => code, stop };
}
