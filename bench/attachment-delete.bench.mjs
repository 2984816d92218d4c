// Deleting a large attachment on SQLite: a draft of BENCH_DELETE_CHUNKS chunks (default 18,000, ~1.8 KB each)
// created through the built chat-store, then deleted. Reports how long `deleteUnsent` took (the file's row: what
// every read sees), how long its chunks took to follow (`purgeDeleted`, batches of 256 with a turn of the event loop
// between), and the worst event-loop delay seen over both (`monitorEventLoopDelay`, 10 ms resolution): the longest
// any other request waited. Run with `pnpm bench:attachment-delete`.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { ROOT } from './lib.mjs';

const CHUNKS = Number(process.env.BENCH_DELETE_CHUNKS || 18_000);
const { openChatStore } = await import(pathToFileURL(path.join(ROOT, 'packages/chat-store/dist/index.js')).href);

/** A chunked text file of CHUNKS chunks, as an upload hands it to the store. */
function largeFile() {
  const texts = Array.from(
    { length: CHUNKS },
    (_, i) => `chunk ${i} ${'words of a log line served by upstream pool '.repeat(40)}`,
  );
  const text = texts.join('');
  const bytes = new TextEncoder().encode(text);
  let at = 0;
  const chunks = texts.map((chunk, ordinal) => {
    const start = at;
    at += chunk.length;
    return { ordinal, start, end: at, heading: null, page: null, text: chunk };
  });
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { name: 'big.log', mime: 'text/plain', bytes, sha256, text, tokens: null, chunked: true, chunks };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-delete-'));
try {
  const store = await openChatStore({ path: path.join(dir, 'chat.db') });
  const file = await store.attachments.create('u', largeFile(), { quotaBytes: 1e10 });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const t0 = performance.now();
  await store.attachments.deleteUnsent('u', file.id);
  const t1 = performance.now();
  const purged = await store.attachments.purgeDeleted();
  const t2 = performance.now();
  delay.disable();
  await store.close();
  console.log('| chunks | file MB (text + bytes) | deleteUnsent ms | chunks purged | purge ms | worst loop delay ms |');
  console.log('|---:|---:|---:|---:|---:|---:|');
  const mb = (2 * file.size) / 1024 / 1024;
  console.log(
    `| ${CHUNKS} | ${mb.toFixed(1)} | ${Math.round(t1 - t0)} | ${purged} | ${Math.round(t2 - t1)} | ${Math.round(delay.max / 1e6)} |`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
