/**
 * Attachments over a real socket, on SQLite and (when it runs here) PostgreSQL: upload limits refused before the
 * body is read, download-only content, ownership, quota, binding to a message and deletion with it, and unsent
 * uploads kept and listed (per chat too) across a server restart.
 */
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as v from 'valibot';
import { sql } from 'kysely';
import { openChatStore } from '@chat-studio/chat-store';
import {
  AttachmentLimitsSchema,
  AttachmentSummarySchema,
  UnsentAttachmentsSchema,
  type AttachmentSummary,
  type ErrorEnvelope,
} from '@chat-studio/protocol';
import { createAuthService } from '@chat-studio/security';
import {
  createScratchDatabase,
  postgresUnavailable,
  startApiServer,
  tempDir,
  type ApiServer,
  type ScratchDatabase,
} from '@chat-studio/test-support';
import { makeDocx, makePdf } from '../../documents/test-files.js';
import { DEFAULT_SETTLE_MAX_BYTES } from '../../middleware/settle-body/index.js';

const MAX_BYTES = 64 * 1024;
const QUOTA_BYTES = 160 * 1024;

interface Backend {
  name: string;
  database(dir: string): Promise<{ env: NodeJS.ProcessEnv; drop(): Promise<void> }>;
}

const backends: Backend[] = [
  {
    name: 'sqlite',
    database: async (dir) => ({
      env: { DATABASE_PATH: path.join(dir, 'chat.db'), DATABASE_URL: '' },
      drop: async () => {},
    }),
  },
];
if (postgresUnavailable() === undefined)
  backends.push({
    name: 'postgres',
    async database() {
      const db: ScratchDatabase = await createScratchDatabase({ prefix: 'api_attachments' });
      return { env: { DATABASE_URL: db.url }, drop: () => db.drop() };
    },
  });

describe.each(backends)('attachments over a socket ($name)', (backend) => {
  const tmp = tempDir();
  let server: ApiServer;
  let drop: () => Promise<void>;
  let keys: { alice: string; bob: string };
  let env: NodeJS.ProcessEnv = {};
  const openDatabase = () => openChatStore(env.DATABASE_URL ? { url: env.DATABASE_URL } : { path: env.DATABASE_PATH });
  const startServer = () =>
    startApiServer({
      ...env,
      AUTH: 'on',
      MODELS_DIR: path.join(tmp.dir, 'no-models'),
      ATTACHMENT_MAX_BYTES: String(MAX_BYTES),
      ATTACHMENT_QUOTA_BYTES: String(QUOTA_BYTES),
    });

  const call = (key: string, p: string, init: RequestInit = {}) =>
    fetch(`${server.baseUrl}${p}`, {
      ...init,
      headers: { authorization: `Bearer ${key}`, ...(init.headers as Record<string, string> | undefined) },
    });
  const upload = (key: string, name: string, body: string | Uint8Array, type = 'text/plain') => {
    const form = new FormData();
    form.append('file', new File([body], name, { type }));
    return call(key, '/api/attachments', { method: 'POST', body: form });
  };
  const uploaded = async (key: string, name: string, body: string | Uint8Array, type?: string) => {
    const res = await upload(key, name, body, type);
    expect(res.status, await res.clone().text()).toBe(201);
    return v.parse(AttachmentSummarySchema, await res.json());
  };
  const errorCode = async (res: Response) => ((await res.json()) as ErrorEnvelope).error.code;

  beforeAll(async () => {
    const database = await backend.database(tmp.dir);
    drop = database.drop;
    env = database.env;
    const store = await openDatabase();
    const auth = createAuthService(store);
    const a = await auth.addUser('alice', 'alice-password-1');
    const b = await auth.addUser('bob', 'bob-password-12');
    keys = { alice: (await auth.createApiKey(a.id, 't')).key, bob: (await auth.createApiKey(b.id, 't')).key };
    await store.close();
    server = await startServer();
  }, 120_000);
  afterAll(async () => {
    await server?.stop('SIGKILL');
    await drop?.();
    tmp.cleanup();
  });

  it('uploads a file, serves it back as a download only, and 404s it for another user', async () => {
    const text = '# Notes\n\nThe login test is flaky.\n';
    const summary = await uploaded(keys.alice, 'notes.md', text, 'text/markdown');
    expect(summary).toMatchObject({
      name: 'notes.md',
      mime: 'text/markdown',
      size: Buffer.byteLength(text),
      sha256: createHash('sha256').update(text).digest('hex'),
      tokens: null,
      state: 'ready',
      chunked: false,
      message_id: null,
    });
    expect(await (await call(keys.alice, `/api/attachments/${summary.id}`)).json()).toEqual(summary);

    const content = await call(keys.alice, `/api/attachments/${summary.id}/content`);
    expect(content.status).toBe(200);
    expect(content.headers.get('content-disposition')).toMatch(/^attachment; filename="notes.md"/);
    expect(content.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await content.text()).toBe(text);
    expect(await (await call(keys.alice, `/api/attachments/${summary.id}/text`)).json()).toEqual({ text, chunks: [] });

    for (const p of ['', '/content', '/text']) {
      const res = await call(keys.bob, `/api/attachments/${summary.id}${p}`);
      expect(res.status).toBe(404);
      expect(await errorCode(res)).toBe('attachment_not_found');
    }
    expect((await call(keys.bob, `/api/attachments/${summary.id}`, { method: 'DELETE' })).status).toBe(404);
    expect((await call(keys.alice, '/api/attachments/not-an-id')).status).toBe(404);
  });

  it('serves an uploaded HTML page as bytes to save, never as a page', async () => {
    const summary = await uploaded(keys.alice, 'page.html', '<script>alert(1)</script>', 'text/html');
    const res = await call(keys.alice, `/api/attachments/${summary.id}/content`);
    expect(res.headers.get('content-type')).toBe('application/octet-stream');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    await call(keys.alice, `/api/attachments/${summary.id}`, { method: 'DELETE' });
  });

  it('refuses a too large file from its Content-Length before the body is sent', async () => {
    // The server must answer while the client still holds back the body: it never reads it.
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${server.baseUrl}/api/attachments`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${keys.alice}`,
          'content-type': 'multipart/form-data; boundary=x',
          // Past what the server would read and discard before answering (settle-body's 16 MiB), so it answers at
          // once with `Connection: close` instead of first waiting 5 s for a body that never comes.
          'content-length': String(DEFAULT_SETTLE_MAX_BYTES + 1),
        },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'attachment_too_large' } });
  });

  it('refuses a chunked body past the limit, types not accepted, images, and unknown fields', async () => {
    const big = await upload(keys.alice, 'big.txt', 'x'.repeat(MAX_BYTES + 1));
    expect(big.status).toBe(413);
    expect(await errorCode(big)).toBe('attachment_too_large');
    const exe = await upload(keys.alice, 'tool.exe', 'MZ', 'application/x-msdownload');
    expect(exe.status).toBe(415);
    expect(await errorCode(exe)).toBe('attachment_unsupported');
    const png = await upload(keys.alice, 'cat.png', 'png', 'image/png');
    expect(png.status).toBe(415);
    expect(((await png.json()) as ErrorEnvelope).error.message).toMatch(/cannot see images/);
    const form = new FormData();
    form.append('file', new File(['a'], 'a.txt', { type: 'text/plain' }));
    form.append('extra', 'x');
    const extra = await call(keys.alice, '/api/attachments', { method: 'POST', body: form });
    expect(extra.status).toBe(400);
    expect(((await extra.json()) as ErrorEnvelope).error.message).toMatch(/extra/);
    const json = await call(keys.alice, '/api/attachments', { method: 'POST', body: '{}' });
    expect(json.status).toBe(400);
  });

  it('reads a generated PDF by pages and a DOCX by headings, and refuses a damaged PDF with 422', async () => {
    const pdf = await uploaded(keys.alice, 'report.pdf', Buffer.from(await makePdf(3, 5)), 'application/pdf');
    expect(pdf).toMatchObject({ mime: 'application/pdf', state: 'ready' });
    const pdfText = (await (await call(keys.alice, `/api/attachments/${pdf.id}/text`)).json()) as { text: string };
    expect(pdfText.text).toContain('Page 3 line 4 of the quarterly report');
    const docx = await uploaded(
      keys.alice,
      'notes.docx',
      Buffer.from(await makeDocx()),
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    const docxText = (await (await call(keys.alice, `/api/attachments/${docx.id}/text`)).json()) as { text: string };
    expect(docxText.text).toContain('Release notes');
    expect(docxText.text).toContain('Version 2 fixes the flaky login test.');
    const damaged = await upload(keys.alice, 'broken.pdf', '%PDF-1.7\n1 0 obj <<', 'application/pdf');
    expect(damaged.status).toBe(422);
    expect(await errorCode(damaged)).toBe('attachment_unreadable');
    for (const f of [pdf, docx]) await call(keys.alice, `/api/attachments/${f.id}`, { method: 'DELETE' });
  });

  it('reports limits, and refuses past the quota with attachment_quota_exceeded', async () => {
    const limits = v.parse(AttachmentLimitsSchema, await (await call(keys.bob, '/api/attachments/limits')).json());
    expect(limits).toMatchObject({ max_file_bytes: MAX_BYTES, quota_bytes: QUOTA_BYTES, used_bytes: 0 });
    expect(limits.accepted).toContain('application/pdf');
    const files: AttachmentSummary[] = [];
    for (const fill of ['a', 'b']) files.push(await uploaded(keys.bob, `${fill}.txt`, fill.repeat(MAX_BYTES - 100)));
    // The same bytes again take no more room.
    await uploaded(keys.bob, 'a-again.txt', 'a'.repeat(MAX_BYTES - 100));
    const full = await upload(keys.bob, 'c.txt', 'c'.repeat(MAX_BYTES - 100));
    expect(full.status).toBe(413);
    expect(await errorCode(full)).toBe('attachment_quota_exceeded');
    const used = v.parse(AttachmentLimitsSchema, await (await call(keys.bob, '/api/attachments/limits')).json());
    expect(used.used_bytes).toBe(2 * (MAX_BYTES - 100));
    for (const f of files)
      expect((await call(keys.bob, `/api/attachments/${f.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('lists unsent uploads newest first, per chat, for their owner only, and keeps them across a restart', async () => {
    const list = async (key: string, query: string) => {
      const res = await call(key, `/api/attachments?${query}`);
      expect(res.status, await res.clone().text()).toBe(200);
      return v.parse(UnsentAttachmentsSchema, await res.json());
    };
    const session = (await (await call(keys.alice, '/api/chat/sessions', { method: 'POST' })).json()) as { id: string };
    const form = new FormData();
    form.append('file', new File(['in the chat'], 'draft.txt', { type: 'text/plain' }));
    form.append('session_id', session.id);
    const inChat = await call(keys.alice, '/api/attachments', { method: 'POST', body: form });
    expect(inChat.status).toBe(201);
    const draft = v.parse(AttachmentSummarySchema, await inChat.json());
    const loose = await uploaded(keys.alice, 'loose.txt', 'no chat named');

    const all = await list(keys.alice, 'unsent=true');
    expect(all.next_cursor).toBeNull();
    // Earlier tests left drafts of their own: these two are the newest.
    expect(all.items.slice(0, 2).map((a) => a.id)).toEqual([loose.id, draft.id]);
    expect(all.items[1]).toEqual(draft);
    expect(all.items.every((a) => a.message_id === null)).toBe(true);
    expect((await list(keys.alice, `unsent=true&session_id=${session.id}`)).items.map((a) => a.id)).toEqual([draft.id]);
    expect((await list(keys.bob, 'unsent=true')).items.map((a) => a.id)).not.toContain(draft.id);
    // Another user's chat is the same 404 as a missing one; unknown or missing parameters are 400s naming them.
    expect((await call(keys.bob, `/api/attachments?unsent=true&session_id=${session.id}`)).status).toBe(404);
    const noUnsent = await call(keys.alice, '/api/attachments');
    expect(noUnsent.status).toBe(400);
    expect(((await noUnsent.json()) as ErrorEnvelope).error.message).toMatch(/unsent/);
    const extra = await call(keys.alice, '/api/attachments?unsent=true&limit=5');
    expect(extra.status).toBe(400);
    expect(((await extra.json()) as ErrorEnvelope).error.message).toMatch(/limit/);
    // Drafts take room in the quota, shown by the limits.
    const limits = v.parse(AttachmentLimitsSchema, await (await call(keys.alice, '/api/attachments/limits')).json());
    expect(limits.used_bytes).toBeGreaterThanOrEqual(draft.size + loose.size);

    // Drafts two days old survive a restart (the start-up sweep that removed day-old ones is gone).
    await server.stop();
    const store = await openDatabase();
    await sql`UPDATE attachments SET created_at = created_at - ${2 * 86_400_000}`.execute(store.db);
    await store.close();
    server = await startServer();
    const after = await list(keys.alice, 'unsent=true');
    expect(after.items.map((a) => a.id)).toEqual(all.items.map((a) => a.id));
    for (const f of [draft, loose])
      expect((await call(keys.alice, `/api/attachments/${f.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await list(keys.alice, 'unsent=true')).items.map((a) => a.id)).not.toContain(draft.id);
  }, 60_000);

  it('binds files to a message, lists them with it, and deletes them with it', async () => {
    const session = (await (await call(keys.alice, '/api/chat/sessions', { method: 'POST' })).json()) as { id: string };
    const file = await uploaded(keys.alice, 'data.csv', 'a,b\n1,2\n', 'text/csv');
    // Without a model the turn is refused; the file must stay unsent, ready for the retry.
    const send = await call(keys.alice, '/api/chat/send', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: session.id, message: 'sum it', attachments: [file.id] }),
    });
    expect(send.status).toBe(503);
    expect(
      ((await (await call(keys.alice, `/api/attachments/${file.id}`)).json()) as AttachmentSummary).message_id,
    ).toBeNull();
    const foreign = await call(keys.bob, '/api/chat/send', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ session_id: session.id, message: 'x', attachments: ['nope'] }),
    });
    expect(foreign.status).toBe(400);
  });
});

/** A form with 6 MiB of log lines: ~3,000 chunks of ~2,048 characters without a model, a dozen write batches. */
function largeLogForm(): FormData {
  const line = 'INFO request served in 12 ms by the upstream pool\n';
  const body = line.repeat(Math.ceil((6 * 1024 * 1024) / line.length));
  const form = new FormData();
  form.append('file', new File([body], 'big.log', { type: 'text/plain' }));
  return form;
}

describe('a large upload and delete over a socket (sqlite)', () => {
  const tmp = tempDir();
  const databasePath = () => path.join(tmp.dir, 'chat.db');
  let server: ApiServer;
  beforeAll(async () => {
    server = await startApiServer({
      DATABASE_PATH: databasePath(),
      DATABASE_URL: '',
      MODELS_DIR: path.join(tmp.dir, 'no-models'),
      ATTACHMENT_MAX_BYTES: String(16 * 1024 * 1024),
    });
  }, 120_000);
  afterAll(async () => {
    await server?.stop('SIGKILL');
    tmp.cleanup();
  });

  it('answers other requests while its chunks are written, before the upload returns', async () => {
    const form = largeLogForm();
    let uploadDone = false;
    const upload = fetch(`${server.baseUrl}/api/attachments`, { method: 'POST', body: form }).then(async (res) => {
      uploadDone = true;
      return res;
    });
    // The draft is listed once its row is written, while its chunks are still being written: requests asked then
    // are answered before the upload's response (one transaction held every request until all were written).
    let seenWhileStoring = false;
    let answeredWhileStoring = false;
    for (let i = 0; i < 100_000 && !uploadDone; i++) {
      const drafts = (await (await fetch(`${server.baseUrl}/api/attachments?unsent=true`)).json()) as {
        items: AttachmentSummary[];
      };
      if (drafts.items.length === 0 || uploadDone) continue;
      seenWhileStoring = true;
      await fetch(`${server.baseUrl}/health`);
      answeredWhileStoring = !uploadDone;
      break;
    }
    const res = await upload;
    expect(res.status, await res.clone().text()).toBe(201);
    const created = v.parse(AttachmentSummarySchema, await res.json());
    expect(created.chunked).toBe(true);
    expect(seenWhileStoring).toBe(true);
    expect(answeredWhileStoring).toBe(true);
  }, 180_000);

  /** The file's chunk rows, read on a connection of the test's own (the server's reads no longer show them). */
  function chunkRows(id: string): number {
    const raw = new Database(databasePath(), { readonly: true, fileMustExist: true });
    try {
      return (
        raw.prepare('SELECT count(*) AS n FROM attachment_chunks WHERE attachment_id = ?').get(id) as { n: number }
      ).n;
    } finally {
      raw.close();
    }
  }

  it('is gone at once, and answers other requests while its chunks are deleted after it', async () => {
    const res = await fetch(`${server.baseUrl}/api/attachments`, { method: 'POST', body: largeLogForm() });
    expect(res.status, await res.clone().text()).toBe(201);
    const created = v.parse(AttachmentSummarySchema, await res.json());
    expect(created.chunked).toBe(true);
    const stored = chunkRows(created.id);
    expect(stored).toBeGreaterThan(1_000);

    expect((await fetch(`${server.baseUrl}/api/attachments/${created.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fetch(`${server.baseUrl}/api/attachments/${created.id}`)).status).toBe(404);
    // A request asked after the delete is answered while chunks are left: one transaction deleted them all before
    // the 204 (and held every request meanwhile).
    const health = await fetch(`${server.baseUrl}/health`);
    // Answered (503 only for the missing model), the database fine.
    expect(((await health.json()) as { database: { ok: boolean } }).database.ok).toBe(true);
    const left = chunkRows(created.id);
    expect(left).toBeGreaterThan(0);
    // …and the rest follow.
    for (let i = 0; i < 600 && chunkRows(created.id) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(chunkRows(created.id)).toBe(0);
  }, 180_000);
});
