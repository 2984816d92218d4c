/**
 * Every variable the server's configuration reads is documented in the README (CONTRIBUTING: "document every new env
 * var"). Read from the sources that parse them, so a new variable without its README row fails here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const repo = new URL('../../../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, repo), 'utf8');

/** The files that parse environment variables, and how each names them. */
const SOURCES = [
  'apps/api/src/config/index.ts',
  'packages/llm-runtime/src/config/runtime-env.ts',
  'packages/llm-runtime/src/cli/index.ts',
  'packages/security/src/config/read-security-config.ts',
];

/** `env.NAME`, `env['NAME']` and llm-runtime's `int(env, 'NAME', …)`-style reads. */
function variablesIn(source: string): string[] {
  const names = new Set<string>();
  for (const match of source.matchAll(/\benv(?:\.|\[')([A-Z][A-Z0-9_]+)/g)) names.add(match[1]!);
  for (const match of source.matchAll(/\(env, '([A-Z][A-Z0-9_]+)'/g)) names.add(match[1]!);
  return [...names];
}

describe('the README documents every configuration variable', () => {
  it('names each variable the config, the runtime options and the security settings read', () => {
    const readme = read('README.md');
    const variables = SOURCES.flatMap((path) => variablesIn(read(path)));
    // The parsers were found and read: a renamed file must not make this pass on nothing.
    expect(variables).toEqual(expect.arrayContaining(['PORT', 'CHAT_HISTORY_LIMIT', 'LLAMA_MAX_TOKENS', 'AUTH']));
    const missing = variables.filter((name) => !readme.includes(`\`${name}\``) && !readme.includes(`\`${name}=`));
    expect(missing).toEqual([]);
  });
});
