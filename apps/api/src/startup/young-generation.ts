/**
 * Keeps V8's young generation at its initial size. Imported first by the server entry, before anything allocates.
 *
 * Loading ~1,100 modules at start makes V8 grow its semi-spaces to their 16 MiB maximum (33.6 MB of new space,
 * most of it empty once the server idles, issue #18), and they never shrink back: a third of the idle RSS with the
 * test model. The growth factor is read whenever V8 considers growing, so setting it here (not only as a command-line
 * flag, which `node apps/api/dist/server.js` would need) keeps new space at ~2 MB. `NODE_OPTIONS` still wins: set
 * `--semi-space-growth-factor` or `--max-semi-space-size` there to choose otherwise.
 */
import v8 from 'node:v8';

const chosen = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(/\s+/)].some((flag) =>
  /^--(semi-space-growth-factor|max-semi-space-size|min-semi-space-size)\b/.test(flag),
);
if (!chosen) v8.setFlagsFromString('--semi-space-growth-factor=1');
