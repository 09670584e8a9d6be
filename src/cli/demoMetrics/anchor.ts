/**
 * Where the live schedule is anchored. In the stack the backfill creates an anchor file on a shared
 * volume and the server reads it, so both agree on when the stack started and a restarted server
 * keeps its incidents where they were.
 */
import * as fs from 'fs';
import * as path from 'path';
import { checkSchedule, liveAnchor, type LiveSchedule } from '../../demo';
import { UsageError } from '../args';

interface AnchorFile {
  anchor: string;
  anchorMs: number;
}

/** Parses --anchor: an ISO 8601 instant or epoch milliseconds, rounded down to the minute. */
export function parseAnchor(text: string): number {
  const ms = /^\d+$/.test(text.trim()) ? Number(text) : Date.parse(text);
  if (!Number.isFinite(ms)) {
    throw new UsageError(
      `--anchor needs an ISO 8601 time (2026-03-11T15:37:00Z) or epoch ms, got ${JSON.stringify(text)}`
    );
  }
  return liveAnchor(ms);
}

/** Reads the anchor file, or creates it with `nowMs` (rounded to the minute) when it does not exist. */
export function readOrCreateAnchorFile(file: string, nowMs: number): number {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new UsageError(`cannot read anchor file ${file}: ${(e as Error).message}`);
    }
    const anchorMs = liveAnchor(nowMs);
    const body: AnchorFile = { anchor: new Date(anchorMs).toISOString(), anchorMs };
    try {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // 'wx': when two processes race, one creates the file and the other reads the winner's.
      fs.writeFileSync(file, JSON.stringify(body) + '\n', { flag: 'wx' });
      return anchorMs;
    } catch (w) {
      if ((w as NodeJS.ErrnoException).code === 'EEXIST') {
        return readOrCreateAnchorFile(file, nowMs);
      }
      throw new UsageError(`cannot write anchor file ${file}: ${(w as Error).message}`);
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new UsageError(`anchor file ${file} is not JSON; delete it to start a new schedule`);
  }
  const anchorMs = (parsed as Partial<AnchorFile> | null)?.anchorMs;
  if (typeof anchorMs !== 'number' || !Number.isFinite(anchorMs) || anchorMs % 60_000 !== 0) {
    throw new UsageError(`anchor file ${file} has no whole-minute anchorMs; delete it to start a new schedule`);
  }
  return anchorMs;
}

export interface AnchorFlags {
  anchor?: string;
  anchorFile?: string;
  seed?: number;
}

/** The schedule from the flags: --anchor, else --anchor-file, else now. */
export function resolveSchedule(flags: AnchorFlags, nowMs: number): LiveSchedule {
  if (flags.anchor !== undefined && flags.anchorFile !== undefined) {
    throw new UsageError('give --anchor or --anchor-file, not both');
  }
  const anchorMs =
    flags.anchor !== undefined
      ? parseAnchor(flags.anchor)
      : flags.anchorFile !== undefined
        ? readOrCreateAnchorFile(flags.anchorFile, nowMs)
        : liveAnchor(nowMs);
  const schedule = { anchorMs, seed: flags.seed ?? 42 };
  try {
    checkSchedule(schedule);
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^seed/, '--seed'));
  }
  return schedule;
}
