#!/usr/bin/env node
/** `pnpm embed --status|--rebuild`: the background embedding for search by meaning. */
import { parseCommandArgs, runCommand } from '../cli/index.js';
import { loadOpsConfig } from '../config/index.js';
import { openReadonlyStore, openWritableStore } from '../database/index.js';

const USAGE = `Usage: embed --status|--rebuild [--json]
  --status   how many messages of the users who turned search by meaning on have a vector, with which model, and
             whether vectors and messages agree; and how far large attachments' chunks are embedded
  --rebuild  drop every vector and reset the cursors: the running server embeds history again in the background
  --json     print the result as JSON
Safe while the server runs. Reads DATABASE_URL (PostgreSQL) when set, else DATABASE_PATH (default data/chat_history.db).`;

runCommand(USAGE, async () => {
  const { values } = parseCommandArgs(process.argv.slice(2), {
    status: { type: 'boolean', default: false },
    rebuild: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  });
  if (values.status === values.rebuild) {
    console.error(USAGE);
    return 2;
  }
  const config = loadOpsConfig();
  const target = config.databaseUrl ?? config.databasePath;
  const store = values.rebuild ? await openWritableStore(target) : await openReadonlyStore(target);
  try {
    if (values.rebuild) await store.vectors.rebuild();
    const progress = await store.vectors.progress();
    const check = await store.vectors.check();
    const chunkModel = await store.chunkVectors.model();
    const chunks = {
      ...(await store.chunkVectors.totals()),
      model: chunkModel?.model ?? null,
      dims: chunkModel?.dims ?? null,
    };
    if (values.json) {
      console.log(JSON.stringify({ rebuilt: values.rebuild, progress, check, chunks }, null, 2));
    } else {
      const model = progress.model ? `${progress.model} (${progress.dims} dims)` : 'none yet';
      console.log(
        [
          values.rebuild ? 'Vectors dropped; the server embeds history again in the background.' : '',
          `Users with search by meaning: ${progress.users}`,
          `Messages embedded: ${progress.embedded} of ${progress.total}`,
          `Model: ${model}`,
          `Large files indexed: ${chunks.files.ready} ready, ${chunks.files.indexing} indexing, ${chunks.files.error} error`,
          `Chunks embedded: ${chunks.embedded} of ${chunks.chunks}${chunks.model ? ` (${chunks.model}, ${chunks.dims} dims)` : ''}`,
          check.ok ? 'Vectors and messages agree.' : check.problems.join('\n'),
        ]
          .filter(Boolean)
          .join('\n'),
      );
    }
    return check.ok ? 0 : 1;
  } finally {
    await store.close();
  }
});
