// The V8 setting a process running a core needs, set once when the core is created. A run streams
// a million entries through a few stages that each hold a small batch; now and then a
// young-generation collection finds most of an object literal's recent allocations still alive,
// and V8 then allocates that literal straight into the old generation ("pretenuring") for the rest
// of the process: every entry of every later run dies there instead of young. Measured on a run
// over a million files that changed 1 %: with pretenuring the heap reached 195–300 MB in 2 of 4
// runs; without it 105–125 MB in every run, in the same time. Node and Electron's main process
// both keep V8's flags writable after start, so this applies to the running process.
//
// The old generation is also let grow by 20 % over what survived the last full collection, not by
// V8's own factor (up to 4×, chosen from how fast it collects). What a run keeps alive is small
// (~20 MB midway through a first run over 300k files), but garbage piled up to three times that
// before the next full collection, and the pages it took stayed in RSS. Measured on first and
// no-change mirror runs over 300k files: peak heap 59–76 MB and RSS 164–215 MB with V8's factor;
// 37–48 MB and 158–172 MB with 20 %, and no run slower.
import { setFlagsFromString } from 'node:v8';

let tuned = false;

/** How much the old generation may grow over what survived the last full collection, in percent. */
export const OLD_GENERATION_GROWTH = 20;

/** Turns allocation-site pretenuring off and bounds the old generation's growth, for this process (idempotent). */
export function tuneHeapForRuns(): void {
  if (tuned) return;
  tuned = true;
  setFlagsFromString('--no-allocation-site-pretenuring');
  setFlagsFromString(`--heap-growing-percent=${OLD_GENERATION_GROWTH}`);
}
