import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { errorReason, ModelDownloadError } from '../errors/index.js';
import { headerProblem, readGgufHeader } from '../registry/gguf-header/index.js';

/** Default Hugging Face host for `hf:` sources. */
export const DEFAULT_HF_ENDPOINT = 'https://huggingface.co';

/**
 * Turns `hf:user/repo/file.gguf` (or `hf:user/repo/sub/dir/file.gguf`) into a download URL; http(s) URLs pass through.
 *
 * @example
 * resolveModelUrl('hf:ggml-org/models/tinyllamas/stories260K.gguf')
 * // { url: 'https://huggingface.co/ggml-org/models/resolve/main/tinyllamas/stories260K.gguf', fileName: 'stories260K.gguf' }
 */
export function resolveModelUrl(
  source: string,
  hfEndpoint: string = DEFAULT_HF_ENDPOINT,
): { url: string; fileName: string } {
  let url: URL;
  if (source.startsWith('hf:')) {
    const parts = source.slice(3).replace(/^\/+/, '').split('/').filter(Boolean);
    if (parts.length < 3) throw new ModelDownloadError(`"${source}" is not hf:<user>/<repo>/<file.gguf>`);
    const [user, repo, ...file] = parts;
    url = new URL(
      `${hfEndpoint.replace(/\/+$/, '')}/${user}/${repo}/resolve/main/${file.map(encodeURIComponent).join('/')}`,
    );
  } else {
    try {
      url = new URL(source);
    } catch {
      throw new ModelDownloadError(`"${source}" is neither an hf: source nor a URL`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw new ModelDownloadError(`unsupported protocol ${url.protocol}`);
  }
  const fileName = decodeURIComponent(url.pathname.split('/').pop() ?? '');
  if (!fileName.toLowerCase().endsWith('.gguf')) throw new ModelDownloadError(`"${source}" does not name a .gguf file`);
  return { url: url.toString(), fileName };
}

/** Options for {@link pullModel}. */
export interface PullModelOptions {
  /** `hf:user/repo/file.gguf` or an http(s) URL. */
  source: string;
  /** Folder the file lands in. */
  modelsDir: string;
  /** Base of `hf:` URLs (the CLI passes env HF_ENDPOINT). Defaults to https://huggingface.co. */
  hfEndpoint?: string;
  /** Extra attempts after an interrupted transfer, each resuming where the last stopped. Defaults to 2. */
  retries?: number;
  /** Bytes received so far (including a resumed part) and the total when the server says it. */
  onProgress?: (received: number, total: number | null) => void;
  /** Bearer token for gated repos (the CLI passes env HF_TOKEN). Defaults to none. */
  token?: string;
  signal?: AbortSignal;
}

/** Outcome of {@link pullModel}. */
export interface PullModelResult {
  path: string;
  bytes: number;
  /** True when an earlier `.partial` file was continued with an HTTP Range request. */
  resumed: boolean;
  /** True when the file was already there and nothing was downloaded. */
  alreadyPresent: boolean;
}

/**
 * Downloads a model into `modelsDir` through `<file>.partial`, resuming an interrupted transfer with HTTP Range,
 * checks it is a readable GGUF, then renames it into place. Failures throw ModelDownloadError with a plain message.
 *
 * @example
 * await pullModel({ source: 'hf:ggml-org/models/tinyllamas/stories260K.gguf', modelsDir: './models' });
 */
export async function pullModel(options: PullModelOptions): Promise<PullModelResult> {
  const { url, fileName } = resolveModelUrl(options.source, options.hfEndpoint ?? DEFAULT_HF_ENDPOINT);
  await mkdir(options.modelsDir, { recursive: true });
  const target = path.join(options.modelsDir, fileName);
  const partial = `${target}.partial`;
  const existing = await fileSize(target);
  if (existing !== null) return { path: target, bytes: existing, resumed: false, alreadyPresent: true };
  const retries = options.retries ?? 2;
  let resumed = false;
  for (let attempt = 0; ; attempt++) {
    const offset = (await fileSize(partial)) ?? 0;
    if (offset > 0) resumed = true;
    try {
      await downloadRange(url, partial, offset, options);
      break;
    } catch (error) {
      if (!(error instanceof InterruptedError) || attempt >= retries || options.signal?.aborted) {
        if (error instanceof InterruptedError) {
          throw new ModelDownloadError(
            `download of ${fileName} was interrupted (${error.message}); ${await fileSize(partial)} bytes kept in ${partial}, run the same command again to resume`,
          );
        }
        throw error;
      }
    }
  }
  const problem = await ggufCheck(partial);
  if (problem) {
    await rm(partial, { force: true });
    throw new ModelDownloadError(`downloaded ${fileName} is not a valid GGUF: ${problem}`);
  }
  await rename(partial, target);
  return { path: target, bytes: (await fileSize(target)) ?? 0, resumed, alreadyPresent: false };
}

class InterruptedError extends Error {}

async function downloadRange(url: string, partial: string, offset: number, options: PullModelOptions): Promise<void> {
  const headers: Record<string, string> = {};
  if (offset > 0) headers.range = `bytes=${offset}-`;
  const token = options.token;
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(url, { headers, redirect: 'follow', ...(options.signal ? { signal: options.signal } : {}) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new ModelDownloadError(
      `cannot reach ${new URL(url).host} (${cause?.code ?? cause?.message ?? errorReason(error)}): check the URL and your network connection`,
    );
  }
  if (response.status === 416 && offset > 0) return; // the partial file already holds every byte
  if (!response.ok) {
    throw new ModelDownloadError(
      `download failed: ${url} answered HTTP ${response.status} ${response.statusText}`.trim(),
    );
  }
  if (!response.body) throw new ModelDownloadError(`download failed: ${url} sent no body`);
  // A server that ignores Range sends the whole file again with 200: start over.
  const append = response.status === 206 && offset > 0;
  let received = append ? offset : 0;
  const total = totalSize(response, append ? offset : 0);
  options.onProgress?.(received, total);
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      options.onProgress?.(received, total);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(
      Readable.fromWeb(response.body as WebReadableStream<Uint8Array>),
      counter,
      createWriteStream(partial, { flags: append ? 'a' : 'w' }),
    );
  } catch (error) {
    if (options.signal?.aborted) throw new ModelDownloadError('download cancelled');
    throw new InterruptedError(errorReason(error));
  }
  if (total !== null && received < total) throw new InterruptedError(`got ${received} of ${total} bytes`);
}

function totalSize(response: Response, offset: number): number | null {
  const range = response.headers.get('content-range')?.match(/\/(\d+)\s*$/);
  if (range) return Number(range[1]);
  const length = response.headers.get('content-length');
  return length ? offset + Number(length) : null;
}

async function ggufCheck(file: string): Promise<string | null> {
  try {
    return headerProblem(await readGgufHeader(file));
  } catch (error) {
    return errorReason(error);
  }
}

async function fileSize(file: string): Promise<number | null> {
  try {
    return (await stat(file)).size;
  } catch {
    return null;
  }
}
