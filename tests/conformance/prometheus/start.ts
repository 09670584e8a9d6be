// Starts a real Prometheus holding the backend fixture data (tests/prometheus/fixture.ts) for the
// Go conformance test: prints one JSON line {url, version, from, to, spikeAt, odd} on stdout, then
// serves until stdin closes (the Go test's cleanup) or SIGTERM, and stops Prometheus.
import {
  fixtureFamilies,
  LOOKBACK_MS,
  ODD_GAPS,
  ODD_NAN,
  ODD_NEG_INF,
  ODD_POS_INF,
  QUERY_FROM,
  QUERY_TO,
  SPIKE_AT,
} from '../../prometheus/fixture';
import { startPrometheus } from '../../prometheus/server';

async function main(): Promise<void> {
  const prom = await startPrometheus({ families: fixtureFamilies(), scrapeIntervalS: 0 });
  let stopping = false;
  const stop = () => {
    if (!stopping) {
      stopping = true;
      void prom.stop().then(() => process.exit(0));
    }
  };
  process.stdin.on('end', stop);
  process.stdin.on('close', stop);
  process.stdin.resume();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(
    JSON.stringify({
      url: prom.url,
      version: prom.version,
      from: QUERY_FROM,
      to: QUERY_TO,
      spikeAt: SPIKE_AT,
      odd: { nan: ODD_NAN, posInf: ODD_POS_INF, negInf: ODD_NEG_INF, gaps: ODD_GAPS, lookbackMs: LOOKBACK_MS },
    }) + '\n'
  );
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
