/** Remote upstream servers: the LLM_UPSTREAMS format and its validation. */
import { InvalidOptionError } from './invalid-option-error.js';

/** One remote OpenAI-compatible server (another Chat Studio, llama.cpp's server, vLLM, OpenAI, ...). */
export interface UpstreamOptions {
  /**
   * Namespace of its models: they are listed as `<name>/<model id>`. Servers given the same name form one pool
   * that serves the same models, and requests are spread over them. Letters, digits, `.`, `_` and `-`.
   */
  name: string;
  /** Base URL up to the API version, e.g. `http://10.0.0.5:8080/v1`; `/models` and `/chat/completions` are appended. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <apiKey>`. Defaults to none. */
  apiKey?: string;
}

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Parses LLM_UPSTREAMS: entries `name=baseUrl` or `name=baseUrl|apiKey`, separated by commas or whitespace.
 * Repeating a name adds a server to that pool.
 *
 * @example
 * parseUpstreams('gpu=http://10.0.0.5:8080/v1|sk-1,gpu=http://10.0.0.6:8080/v1|sk-2')
 * // [{ name: 'gpu', baseUrl: 'http://10.0.0.5:8080/v1', apiKey: 'sk-1' }, { name: 'gpu', baseUrl: 'http://10.0.0.6:8080/v1', apiKey: 'sk-2' }]
 */
export function parseUpstreams(text: string, source = 'LLM_UPSTREAMS'): UpstreamOptions[] {
  return text
    .split(/[,\s]+/)
    .filter((entry) => entry !== '')
    .map((entry) => {
      const eq = entry.indexOf('=');
      if (eq <= 0)
        throw new InvalidOptionError(
          `${source}: "${entry}" must look like name=http://host:port/v1 or name=http://host:port/v1|api-key`,
        );
      const rest = entry.slice(eq + 1);
      const bar = rest.indexOf('|');
      const apiKey = bar >= 0 ? rest.slice(bar + 1) : undefined;
      return normalizeUpstream(
        { name: entry.slice(0, eq), baseUrl: bar >= 0 ? rest.slice(0, bar) : rest, ...(apiKey ? { apiKey } : {}) },
        source,
      );
    });
}

/**
 * Checks one upstream and drops trailing slashes from its base URL; throws InvalidOptionError with `source` in the message.
 *
 * @example
 * normalizeUpstream({ name: 'a', baseUrl: 'http://127.0.0.1:8080/v1/' }).baseUrl // 'http://127.0.0.1:8080/v1'
 */
export function normalizeUpstream(upstream: UpstreamOptions, source = 'upstreams'): UpstreamOptions {
  if (!NAME.test(upstream.name)) {
    throw new InvalidOptionError(
      `${source}: upstream name "${upstream.name}" may only hold letters, digits, ".", "_" and "-"`,
    );
  }
  let url: URL;
  try {
    url = new URL(upstream.baseUrl);
  } catch {
    throw new InvalidOptionError(`${source}: "${upstream.baseUrl}" (upstream ${upstream.name}) is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidOptionError(`${source}: "${upstream.baseUrl}" (upstream ${upstream.name}) must be http or https`);
  }
  const baseUrl = upstream.baseUrl.replace(/\/+$/, '');
  return { name: upstream.name, baseUrl, ...(upstream.apiKey ? { apiKey: upstream.apiKey } : {}) };
}
