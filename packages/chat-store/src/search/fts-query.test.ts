import { describe, expect, it } from 'vitest';
import { buildMatchExpression, tokenizeQuery } from './fts-query.js';
import { parseSnippet } from './snippet.js';

describe('buildMatchExpression', () => {
  it('quotes every word and prefixes the last one', () => {
    expect(buildMatchExpression('quick brown foxes')).toBe('"quick" "brown" "foxes"*');
    expect(buildMatchExpression('NEAR(foo "bar" -bazooka')).toBe('"NEAR" "foo" "bar" "bazooka"*');
    // Short last words match exactly: a three-letter prefix would expand to too many terms.
    expect(buildMatchExpression('quick brown fox')).toBe('"quick" "brown" "fox"');
    expect(buildMatchExpression('a:b')).toBe('"a" "b"');
  });

  it('puts the words a prefix stands for in its place, or the word alone when none does', () => {
    expect(buildMatchExpression('garlic recip', () => ['recipe', 'recipes'])).toBe(
      '"garlic" AND ("recipe" OR "recipes")',
    );
    expect(buildMatchExpression('recip', () => ['recipe', 'recipes'])).toBe('("recipe" OR "recipes")');
    expect(buildMatchExpression('telesc', () => ['telescope'])).toBe('"telescope"');
    expect(buildMatchExpression('zzzz', () => [])).toBe('"zzzz"');
    expect(buildMatchExpression('café', () => undefined)).toBe('"café"*');
    // Only the last word, and only when it is long enough to be a prefix.
    expect(buildMatchExpression('recip fox', () => ['never'])).toBe('"recip" "fox"');
  });

  it('leaves out the words the caller checks itself, never the prefix', () => {
    const common = (t: string) => ['to', 'a', 'good'].includes(t.toLowerCase());
    expect(buildMatchExpression('how To write a good', () => ['good'], common)).toBe('"how" "write" "good"');
    // A left-out last word does not make the word before it a prefix.
    expect(buildMatchExpression('write prompt to', undefined, common)).toBe('"write" "prompt"');
    expect(buildMatchExpression('to a', undefined, common)).toBeUndefined();
  });

  it('has no words for punctuation or emoji only', () => {
    expect(buildMatchExpression('"*()^:-')).toBeUndefined();
    expect(buildMatchExpression('🙂🎉')).toBeUndefined();
    expect(buildMatchExpression('   ')).toBeUndefined();
  });

  it('keeps unicode letters and digits', () => {
    expect(tokenizeQuery('café 東京 2026 naïve🙂x')).toEqual(['café', '東京', '2026', 'naïve', 'x']);
  });
});

describe('parseSnippet', () => {
  it('strips markers and records UTF-16 ranges', () => {
    const r = parseSnippet('…the \uE000quick\uE001 brown \uE000fox\uE001…');
    expect(r.snippet).toBe('…the quick brown fox…');
    expect(r.highlights).toEqual([
      [5, 10],
      [17, 20],
    ]);
    for (const [a, b] of r.highlights) expect(['quick', 'fox']).toContain(r.snippet.slice(a, b));
  });

  it('counts astral characters as two UTF-16 units and tolerates unbalanced markers', () => {
    const r = parseSnippet('🙂 \uE000café\uE001');
    expect(r.snippet.slice(...r.highlights[0]!)).toBe('café');
    expect(parseSnippet('\uE001x\uE000y')).toEqual({ snippet: 'xy', highlights: [[1, 2]] });
  });
});
