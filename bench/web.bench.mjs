// pnpm bench:web — initial JS size of the built web app, and how a 10,000-message chat renders in Chromium
// (time to the newest messages, DOM size after scrolling to the top). Needs `pnpm build`; writes docs/benchmarks.md.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ONE_BRANCH_PER_CHAT_SQL } from '../packages/chat-store/dist/index.js';
import { ROOT, median, percentile, startApiServer, writeSection } from './lib.mjs';

const DIST = path.join(ROOT, 'apps/web/dist');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MESSAGES = Number(process.env.BENCH_MESSAGES ?? 10_000);
const MODELS_DIR = process.env.MODELS_DIR ?? path.resolve(ROOT, '../shared/models');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const BUDGET = { initialJsGzip: 60 * 1024, renderMs: 300, messageElements: 100 };

// better-sqlite3 and playwright-core are devDependencies of the web app.
const requireWeb = createRequire(path.join(ROOT, 'apps/web/package.json'));
const Database = requireWeb('better-sqlite3');
const { chromium } = requireWeb('playwright-core');

for (const need of [path.join(DIST, 'index.html'), path.join(ROOT, 'apps/api/dist/server.js'), CHROMIUM]) {
  if (!existsSync(need)) throw new Error(`missing ${need}: run pnpm build (and install chromium)`);
}

const kb = (bytes) => (bytes / 1024).toFixed(1);
const gz = (file) => gzipSync(readFileSync(file), { level: 9 }).length;

/** The JS the browser must fetch before the app runs: index.html's module scripts, modulepreloads, and their static imports. */
function initialScripts() {
  const html = readFileSync(path.join(DIST, 'index.html'), 'utf8');
  const queue = [
    ...[...html.matchAll(/<script[^>]+type="module"[^>]*src="([^"]+)"/g)].map((m) => m[1]),
    ...[...html.matchAll(/<link[^>]+rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => m[1]),
  ].map((src) => path.join(DIST, src.replace(/^\//, '')));
  const seen = new Set();
  while (queue.length) {
    const file = queue.shift();
    if (seen.has(file)) continue;
    seen.add(file);
    const code = readFileSync(file, 'utf8');
    // Static imports only (`import{a}from"./x.js"`, `import"./x.js"`); `import("./x.js")` loads later.
    for (const m of code.matchAll(/\bimport\s*(?:[\w$*{}\s,]+?\s*from\s*)?["'](\.{1,2}\/[^"']+\.js)["']/g)) {
      queue.push(path.resolve(path.dirname(file), m[1]));
    }
  }
  return [...seen];
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
function ulid(ms) {
  let time = '';
  for (let t = ms, i = 0; i < 10; i++, t = Math.floor(t / 32)) time = CROCKFORD[t % 32] + time;
  let rest = '';
  for (let i = 0; i < 16; i++) rest += CROCKFORD[Math.floor(Math.random() * 32)];
  return time + rest;
}

/** Inserts alternating user/assistant messages of varied length into the server's database (WAL). */
function seed(databasePath, sessionId, count) {
  const db = new Database(databasePath);
  db.pragma('busy_timeout = 10000');
  const insert = db.prepare(`INSERT INTO chat_messages (id, session_id, role, content, created_at, status) VALUES (?, ?, ?, ?, ?, 'complete')`);
  const ids = [];
  const start = Date.now() - count * 1000;
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const id = ulid(start + i * 1000);
      ids.push(id);
      const body = i % 2 === 0 ? `Question ${i}: how does step ${i} work?` : `Answer ${i}: ${'Here is a longer explanation with some detail. '.repeat(1 + (i % 9))}`;
      insert.run(id, sessionId, i % 2 === 0 ? 'user' : 'assistant', body, start + i * 1000);
    }
    // One branch per chat, as the API would have stored them.
    for (const statement of ONE_BRANCH_PER_CHAT_SQL) db.exec(statement);
  })();
  db.close();
  return ids;
}

// --- bundle ---
const initial = initialScripts();
const allJs = readdirSync(path.join(DIST, 'assets')).filter((f) => f.endsWith('.js')).map((f) => path.join(DIST, 'assets', f));
const initialGzip = initial.reduce((n, f) => n + gz(f), 0);
const initialRaw = initial.reduce((n, f) => n + readFileSync(f).length, 0);
const totalGzip = allJs.reduce((n, f) => n + gz(f), 0);
const totalRaw = allJs.reduce((n, f) => n + readFileSync(f).length, 0);
const chunkRows = allJs
  .map((f) => ({ name: path.basename(f), raw: readFileSync(f).length, gzip: gz(f), initial: initial.includes(f) }))
  .sort((a, b) => b.gzip - a.gzip);
console.log(`initial JS ${kb(initialGzip)} KB gzip (${initial.map((f) => path.basename(f)).join(', ')}); all JS ${kb(totalGzip)} KB gzip`);

// --- 10,000-message chat in Chromium ---
const tmp = mkdtempSync(path.join(os.tmpdir(), 'chat-studio-web-bench-'));
const databasePath = path.join(tmp, 'chat_history.db');
const server = await startApiServer({ DATABASE_PATH: databasePath, MODELS_DIR, LLAMA_THREADS: '1', RATE_LIMIT_CHAT: '1000/minute' });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const chromiumVersion = browser.version();
const navMs = [];
const clickMs = [];
let top = null;
try {
  // /health answers while the model still loads; loading competes for the CPU with the first measured run.
  for (let i = 0; i < 300; i++) {
    const health = await (await fetch(`${server.baseUrl}/health`)).json();
    if (health.model?.state !== 'loading') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const post = async (url, body) => (await fetch(`${server.baseUrl}${url}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
  const big = await post('/api/chat/sessions', { title: `${MESSAGES.toLocaleString('en')} messages` });
  const small = await post('/api/chat/sessions', { title: 'Short chat' });
  await post(`/api/chat/sessions/${small.id}/messages`, { role: 'user', content: 'Hello' });
  const seedStart = performance.now();
  const ids = seed(databasePath, big.id, MESSAGES);
  console.log(`seeded ${MESSAGES} messages in ${Math.round(performance.now() - seedStart)} ms`);
  const firstId = ids[0];
  const lastId = ids.at(-1);

  // Records (in page time) when the newest message is in the DOM and a frame has been painted with it.
  const probe = ({ lastId, bigId }) => {
    const w = window;
    document.addEventListener(
      'click',
      (e) => {
        if (e.target instanceof Element && e.target.closest(`[data-session-id="${bigId}"]`)) w.__clickAt = performance.now();
      },
      true,
    );
    const check = () => {
      const el = document.querySelector(`[data-message-id="${lastId}"]`);
      if (!el || w.__shownAt !== undefined) return;
      const r = el.getBoundingClientRect();
      if (r.height > 0 && r.bottom <= window.innerHeight + 1) requestAnimationFrame(() => (w.__shownAt ??= performance.now()));
    };
    new MutationObserver(check).observe(document, { childList: true, subtree: true, attributes: true });
  };

  for (let run = 0; run < RUNS; run++) {
    // Cold: navigate straight to the chat; time from navigation start (page time 0) to the newest messages painted.
    let context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    let page = await context.newPage();
    await page.addInitScript(probe, { lastId, bigId: big.id });
    await page.goto(`${server.baseUrl}/#/c/${big.id}`);
    await page.waitForFunction(() => window.__shownAt !== undefined, null, { timeout: 30_000 });
    navMs.push(await page.evaluate(() => window.__shownAt));
    await context.close();

    // Warm: the app is running on another chat; time from the click in the sidebar to the newest messages painted.
    context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    await page.addInitScript(probe, { lastId, bigId: big.id });
    await page.goto(`${server.baseUrl}/#/c/${small.id}`);
    await page.locator('[data-testid="message"]').first().waitFor();
    const item = page.locator(`[data-testid="session-item"][data-session-id="${big.id}"] .session-open`);
    await item.waitFor();
    await item.click();
    await page.waitForFunction(() => window.__shownAt !== undefined, null, { timeout: 30_000 });
    clickMs.push(await page.evaluate(() => window.__shownAt - window.__clickAt));

    if (run === 0) {
      // Scroll to the very top (every page loaded) and count what is in the DOM.
      const list = page.getByTestId('message-list');
      let maxMessages = 0;
      const scrollStart = performance.now();
      for (let i = 0; i < 1000; i++) {
        const state = await list.evaluate((el, firstId) => {
          el.scrollTop = 0;
          return { count: Number(el.dataset.count), first: !!document.querySelector(`[data-message-id="${firstId}"]`) };
        }, firstId);
        maxMessages = Math.max(maxMessages, await page.locator('[data-testid="message"]').count());
        if (state.first) break;
        await page
          .waitForFunction(
            ([before, firstId]) =>
              Number(document.querySelector('[data-testid="message-list"]').dataset.count) > before || !!document.querySelector(`[data-message-id="${firstId}"]`),
            [state.count, firstId],
            { timeout: 5_000 },
          )
          .catch(() => undefined);
      }
      top = await page.evaluate((firstId) => ({
        loaded: Number(document.querySelector('[data-testid="message-list"]').dataset.count),
        firstVisible: !!document.querySelector(`[data-message-id="${firstId}"]`),
        messageElements: document.querySelectorAll('[data-testid="message"]').length,
        domNodes: document.getElementsByTagName('*').length,
      }), firstId);
      top.maxMessageElements = maxMessages;
      top.scrollMs = performance.now() - scrollStart;
      console.log('at the top:', JSON.stringify(top));
    }
    await context.close();
    console.log(`run ${run + 1}: navigation → newest painted ${navMs.at(-1).toFixed(0)} ms, click → newest painted ${clickMs.at(-1).toFixed(0)} ms`);
  }
} finally {
  await browser.close();
  await server.stop();
  rmSync(tmp, { recursive: true, force: true });
}

const ms = (v) => v.toFixed(0);
const ok = (pass) => (pass ? 'yes' : '**no**');
const clickP50 = median(clickMs);
const results = {
  initialJs: initialGzip <= BUDGET.initialJsGzip,
  render: clickP50 < BUDGET.renderMs,
  dom: top.maxMessageElements < BUDGET.messageElements,
};

writeSection(
  'Web',
  `
Measured ${new Date().toISOString().slice(0, 10)} with \`pnpm bench:web\` (bench/web.bench.mjs; needs \`pnpm build\`). Node ${process.version},
Chromium ${chromiumVersion} (Debian, headless, driven by playwright-core), ${os.cpus().length} cores, ${os.platform()} ${os.release()}.
Viewport 1280×800.

Bundle (apps/web/dist, gzip level 9 with node:zlib). "Initial" is what index.html loads before the app runs: its
module script, modulepreloads and their static imports (${initial.map((f) => `\`${path.basename(f)}\``).join(', ')}).

| Figure | Value | Budget | Within |
| --- | ---: | ---: | --- |
| initial JS, gzip | ${kb(initialGzip)} KB (${kb(initialRaw)} KB raw) | ≤ 60 KB | ${ok(results.initialJs)} |
| all JS, gzip | ${kb(totalGzip)} KB (${kb(totalRaw)} KB raw) | | |

| Chunk | raw (KB) | gzip (KB) | initial |
| --- | ---: | ---: | --- |
${chunkRows.map((c) => `| \`${c.name}\` | ${kb(c.raw)} | ${kb(c.gzip)} | ${c.initial ? 'yes' : 'no (dynamic import)'} |`).join('\n')}

A chat of ${MESSAGES.toLocaleString('en')} messages (seeded into the server's SQLite file), opened ${RUNS} times, each in a
fresh browser context against \`node apps/api/dist/server.js\`. "Click" starts on another chat with the app loaded
and ends when a frame has been painted with the newest message in view; "navigation" starts at navigation start
(loading HTML, JS and the first page of messages included).

| Figure | p50 | p95 | Budget | Within |
| --- | ---: | ---: | ---: | --- |
| click in sidebar → newest messages painted (ms) | ${ms(clickP50)} | ${ms(percentile(clickMs, 95))} | < 300 ms | ${ok(results.render)} |
| navigation to \`#/c/<id>\` → newest messages painted (ms) | ${ms(median(navMs))} | ${ms(percentile(navMs, 95))} | | |

After scrolling to the top (all ${top.loaded.toLocaleString('en')} messages loaded, 60 per page, ${(top.scrollMs / 1000).toFixed(1)} s of
scroll steps; first message in view: ${top.firstVisible ? 'yes' : 'no'}):

| Figure | Value | Budget | Within |
| --- | ---: | ---: | --- |
| message elements in the DOM (most seen while scrolling) | ${top.maxMessageElements} | < 100 | ${ok(results.dom)} |
| message elements in the DOM at the top | ${top.messageElements} | | |
| DOM elements in the whole document at the top | ${top.domNodes} | | |
`,
);

const failed = Object.entries(results).filter(([, pass]) => !pass).map(([k]) => k);
if (failed.length) {
  console.error(`over budget: ${failed.join(', ')}`);
  process.exitCode = 1;
}
