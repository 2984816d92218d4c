// Import and export at size: writes a ChatGPT-style conversations.json of BENCH_IMPORT_MB (default 200) megabytes,
// imports it with `pnpm chats import` (compiled CLI) into a fresh SQLite file, imports it again (every chat a
// duplicate), exports everything as JSON, and reports wall time and peak memory (GNU time's max RSS) of each run.
// Run with `pnpm bench:transfer` (BENCH_IMPORT_MB=20 for a quick look).
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(root, 'apps/api/dist/cli/chats.js');
const TARGET_BYTES = Number(process.env.BENCH_IMPORT_MB ?? 200) * 1024 * 1024;
const NODES = 40; // messages a conversation, with a regenerated reply every 8th turn (a second branch)
const WORDS =
  'the model token prompt reply context window sampling llama server quick brown fox jumps over lazy dog Zürich 日本語 ✓'.split(
    ' ',
  );

let seed = 20261202;
const rand = () => {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  return seed / 2 ** 31;
};
const text = (words) => Array.from({ length: words }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ');

function conversation(i) {
  const mapping = { [`c${i}-root`]: { id: `c${i}-root`, message: null, parent: null, children: [] } };
  let parent = `c${i}-root`;
  let t = 1_700_000_000 + i * 3600;
  for (let n = 0; n < NODES; n++) {
    const id = `c${i}-n${n}`;
    const role = n % 2 === 0 ? 'user' : 'assistant';
    mapping[id] = {
      id,
      parent,
      children: [],
      message: {
        id,
        author: { role },
        create_time: t++,
        content: { content_type: 'text', parts: [text(role === 'user' ? 30 : 120)] },
        status: 'finished_successfully',
        metadata: {},
      },
    };
    mapping[parent].children.push(id);
    if (role === 'assistant' && n % 8 === 1) {
      const alt = `${id}-alt`;
      mapping[alt] = {
        id: alt,
        parent,
        children: [],
        message: {
          id: alt,
          author: { role },
          create_time: t++,
          content: { content_type: 'text', parts: [text(60)] },
          status: 'finished_successfully',
          metadata: {},
        },
      };
      mapping[parent].children.push(alt);
    }
    parent = id;
  }
  return {
    id: `bench-${i}`,
    title: `Bench ${i}`,
    create_time: 1_700_000_000 + i * 3600,
    update_time: t,
    mapping,
    current_node: parent,
  };
}

async function writeExport(file) {
  const out = createWriteStream(file);
  let bytes = 0;
  let i = 0;
  const write = async (s) => {
    bytes += Buffer.byteLength(s);
    if (!out.write(s)) await once(out, 'drain');
  };
  await write('[');
  while (bytes < TARGET_BYTES) await write((i > 0 ? ',\n' : '\n') + JSON.stringify(conversation(i++)));
  await write('\n]\n');
  out.end();
  await once(out, 'finish');
  return { chats: i, bytes: statSync(file).size };
}

function timed(label, args, env) {
  const run = spawnSync('/usr/bin/time', ['-f', '%e %M', process.execPath, CLI, ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  if (run.status !== 0) throw new Error(`${label} failed (${run.status}):\n${run.stderr.slice(-2000)}`);
  const [seconds, kb] = run.stderr.trim().split('\n').at(-1).split(' ').map(Number);
  return { label, seconds, peakMiB: Math.round(kb / 1024), stdout: run.stdout };
}

const dir = mkdtempSync(join(os.tmpdir(), 'chat-studio-transfer-bench-'));
try {
  const file = join(dir, 'conversations.json');
  const made = await writeExport(file);
  const env = { DATABASE_PATH: join(dir, 'chat.db'), DATABASE_URL: '' };
  const mib = (made.bytes / 1024 / 1024).toFixed(0);
  console.log(
    `conversations.json: ${mib} MiB, ${made.chats} conversations, ${made.chats * (NODES + NODES / 8)} messages`,
  );
  const runs = [
    timed('import (check + store)', ['import', file], env),
    timed('import again (all duplicates)', ['import', file], env),
    timed('export all as JSON', ['export', '--out', join(dir, 'export.json')], env),
  ];
  console.log(runs[0].stdout.split('\n').at(-2));
  console.log('| run | wall s | peak RSS MiB |\n| --- | ---: | ---: |');
  for (const r of runs) console.log(`| ${r.label} | ${r.seconds.toFixed(1)} | ${r.peakMiB} |`);
  console.log(`export.json: ${(statSync(join(dir, 'export.json')).size / 1024 / 1024).toFixed(0)} MiB`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
