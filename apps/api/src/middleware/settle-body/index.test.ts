import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiServer, tempDir, type ApiServer } from '@chat-studio/test-support';

/** What a keep-alive Node `fetch` client sees for each of `n` POSTs of `body`: the status and error code, or the socket error. */
async function outcomes(url: string, body: string, n: number): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < n; i++) {
    try {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const json = (await res.json()) as { error?: { code?: string } };
      seen.push(`${res.status} ${json.error?.code ?? ''}`.trim());
    } catch (error) {
      seen.push(`socket ${String((error as { cause?: { code?: string } }).cause?.code ?? error)}`);
    }
  }
  return seen;
}

describe('early refusals on a keep-alive connection (real server)', () => {
  const tmp = tempDir();
  let server: ApiServer;
  beforeAll(async () => {
    server = await startApiServer({
      DATABASE_PATH: path.join(tmp.dir, 'chat.db'),
      MODELS_DIR: path.join(tmp.dir, 'no-models'),
      RATE_LIMIT_API: '3/minute',
    });
  });
  afterAll(async () => {
    await server?.stop('SIGKILL');
    tmp.cleanup();
  });

  it('lets the client read the JSON error of a 413 sent before the body was read', async () => {
    // 2 MB against the 1 MiB limit: refused on Content-Length alone, while the client is still sending.
    const body = JSON.stringify({ title: 'x'.repeat(2_000_000) });
    const seen = await outcomes(`${server.baseUrl}/api/chat/sessions`, body, 10);
    expect(seen).toEqual(Array.from({ length: 10 }, () => '413 payload_too_large'));
  }, 120_000);

  it('and of a 429', async () => {
    const body = JSON.stringify({ title: 'y'.repeat(900_000) });
    const seen = await outcomes(`${server.baseUrl}/api/chat/sessions`, body, 12);
    // The 413 test above counted against the same per-user limit: every answer here is 429 or an accepted 201.
    expect(seen.filter((s) => s.startsWith('socket'))).toEqual([]);
    expect(seen.filter((s) => s === '429 rate_limited').length).toBeGreaterThan(8);
  }, 120_000);
});
