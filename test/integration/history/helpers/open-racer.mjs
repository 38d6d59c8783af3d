// One of several processes that open the same fresh history files at the same instants, as the
// app, a cron `reprise run` and a second CLI can. Round r starts at startAt + r * gapMs, on file
// dir/r.sqlite. Prints one JSON line per round: {"round", "ok"} or {"round", "error"}.
import { join } from 'node:path';
import '../../../support/strip-types-resolve.mjs';

const [dir, startAt, rounds, gapMs] = process.argv.slice(2).map((v, i) => (i === 0 ? v : Number(v)));
const { openHistory } = await import('../../../../electron/core/history/history.ts');
for (let round = 0; round < rounds; round++) {
  const at = startAt + round * gapMs;
  while (Date.now() < at) {
    // spin: a timer would add its own jitter and spread the racers apart
  }
  try {
    const history = openHistory(join(dir, `${round}.sqlite`));
    history.close();
    process.stdout.write(`${JSON.stringify({ round, ok: true })}\n`);
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ round, error: `${err.code ?? ''} ${err.message}` })}\n`);
  }
}
