/**
 * Keeps V8's young generation at its initial size while the server loads. Imported first by the server entry,
 * before anything allocates.
 *
 * Loading ~1,100 modules, where nearly everything allocated survives, makes V8 grow its semi-spaces to their
 * 16 MiB maximum (33.6 MB of new space, most of it empty once the server idles, issue #18), and they never shrink
 * back: a fifth of the idle RSS with the test model. The growth factor is read whenever V8 considers growing, so
 * setting it here (not only as a command-line flag, which `node apps/api/dist/server.js` would need) keeps new
 * space at ~2 MB through the start; {@link restoreYoungGeneration} hands sizing back to V8 once the app serves, so
 * request load (short-lived garbage, where a larger young generation saves GC time) grows it as usual.
 * A choice made when starting Node wins: with `--max-semi-space-size` (or `--min-semi-space-size`) in `NODE_OPTIONS`,
 * or any of these or `--semi-space-growth-factor` on the command line, nothing is changed.
 */
import v8 from 'node:v8';

/** V8's default (`--semi-space-growth-factor`). */
const DEFAULT_GROWTH_FACTOR = 2;

const chosen = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((flag) =>
  /^--(semi-space-growth-factor|max-semi-space-size|min-semi-space-size)\b/.test(flag),
);
let held = false;
if (!chosen) {
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  held = true;
}

/**
 * Lets V8 grow the young generation again (its default factor), once the modules are loaded; a no-op when the
 * growth was not held here.
 *
 * @example
 * early.attach(listener);
 * restoreYoungGeneration();
 */
export function restoreYoungGeneration(): void {
  if (!held) return;
  held = false;
  v8.setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
}
