import { describe, expect, it } from 'vitest';
import { UnsupportedRequestError } from '../errors/index.js';
import { createForcedCallSplitter, planForcedCall, toModelResponse, toolResults } from './index.js';

/** Feeds `text` in pieces of `size` and joins what the splitter hands out. */
function stream(text: string, size: number, fixedName?: string) {
  const splitter = createForcedCallSplitter(fixedName);
  const names: string[] = [];
  let args = '';
  for (let at = 0; at < text.length; at += size) {
    const piece = splitter.push(text.slice(at, at + size));
    if (piece.name !== undefined) names.push(piece.name);
    args += piece.arguments;
  }
  const done = splitter.finish();
  return { names, args: args + (done?.rest ?? ''), done };
}

describe('forced call splitter', () => {
  const wrapped = ' {"name": "set_alarm", "arguments": { "on": true, "label": "a}b" } } ';
  it.each([1, 2, 3, 7, 100])('streams name once and arguments that join to the final call (pieces of %i)', (size) => {
    const { names, args, done } = stream(wrapped, size);
    expect(names).toEqual(['set_alarm']);
    expect(done).toMatchObject({ name: 'set_alarm' });
    expect(args).toBe(done!.arguments);
    expect(JSON.parse(done!.arguments)).toEqual({ on: true, label: 'a}b' });
  });

  it('with one tool the whole text is the arguments', () => {
    const { names, args, done } = stream('{ "city": "Oslo" }', 4, 'get_weather');
    expect(names).toEqual([]);
    expect(done).toEqual({ name: 'get_weather', arguments: '{ "city": "Oslo" }', rest: '' });
    expect(args).toBe(done!.arguments);
  });

  it('a text cut before the arguments is no call', () => {
    expect(stream('{"name": "set_al', 3).done).toBeUndefined();
  });
});

describe('planForcedCall', () => {
  const tools = [{ name: 'a', parameters: { type: 'object', properties: { x: { type: 'boolean' } } } }, { name: 'b' }];
  it('uses the named tool’s parameters as the grammar', () => {
    expect(planForcedCall(tools, 'a', (i) => `tools.${i}`)).toMatchObject({
      fixedName: 'a',
      schema: tools[0]!.parameters,
    });
  });
  it('wraps several tools as name + arguments, name first', () => {
    const plan = planForcedCall(tools, undefined, (i) => `tools.${i}`);
    expect(plan.fixedName).toBeUndefined();
    const first = (plan.schema as unknown as { oneOf: { properties: Record<string, unknown> }[] }).oneOf[0]!;
    expect(Object.keys(first.properties)).toEqual(['name', 'arguments']);
  });
  it('refuses an unknown name', () => {
    expect(() => planForcedCall(tools, 'zzz', (i) => `tools.${i}`)).toThrow(UnsupportedRequestError);
  });
});

describe('tool history', () => {
  it('puts each result into the call it answers', () => {
    const messages = [
      { role: 'user' as const, content: 'hi' },
      { role: 'assistant' as const, content: '', tool_calls: [{ id: 'c1', name: 'a', arguments: '{"x":true}' }] },
      { role: 'tool' as const, content: 'done', tool_call_id: 'c1' },
    ];
    const results = toolResults(messages);
    expect(toModelResponse(messages[1]!, 1, results)).toEqual([
      { type: 'functionCall', name: 'a', params: { x: true }, result: 'done' },
    ]);
  });
  it('refuses a call without a result and a result without a call, naming the message', () => {
    expect(() =>
      toolResults([{ role: 'assistant', content: '', tool_calls: [{ id: 'c1', name: 'a', arguments: '{}' }] }]),
    ).toThrow(/c1/);
    let error: unknown;
    try {
      toolResults([{ role: 'tool', content: 'x', tool_call_id: 'nope' }]);
    } catch (caught) {
      error = caught;
    }
    expect((error as UnsupportedRequestError).param).toBe('messages.0.tool_call_id');
  });
});
