import { execFileSync } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_SERVER_ENTRY } from '@chat-studio/test-support';

const MODULE = pathToFileURL(path.join(path.dirname(API_SERVER_ENTRY), 'startup/young-generation.js')).href;

/** New space (MB) of a Node process that keeps many young objects alive, as loading the server's modules does. */
function newSpaceMb(preload: boolean, nodeOptions = '', restore = false): number {
  const script = `
    ${preload ? `const young = await import(${JSON.stringify(MODULE)});` : ''}
    ${restore ? 'young.restoreYoungGeneration();' : ''}
    const v8 = await import('node:v8');
    const kept = [];
    for (let i = 0; i < 400_000; i++) kept.push({ i, s: 'x' + i });
    const space = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    console.log(space.space_size / 1e6, kept.length);
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, NODE_OPTIONS: nodeOptions },
    encoding: 'utf8',
  });
  return Number(out.trim().split(' ')[0]);
}

describe('young-generation', () => {
  it("keeps V8's new space at its initial size where it would otherwise grow", () => {
    // The control: the same work grows new space well past its initial 1–2 MB without the module.
    expect(newSpaceMb(false)).toBeGreaterThan(8);
    expect(newSpaceMb(true)).toBeLessThan(4.5);
  });

  it('lets V8 grow it again once restored (the server does so when the app serves)', () => {
    expect(newSpaceMb(true, '', true)).toBeGreaterThan(8);
  });

  it('leaves a semi-space setting chosen in NODE_OPTIONS alone', () => {
    expect(newSpaceMb(true, '--max-semi-space-size=8')).toBeGreaterThan(8);
  });
});
