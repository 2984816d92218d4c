import { describe, expect, it } from 'vitest';
import { buildTsQuery } from './ts-query.js';

describe('buildTsQuery', () => {
  it('quotes every word, joins with & and prefixes a long last word', () => {
    expect(buildTsQuery('quick brown foxes')).toBe("'quick' & 'brown' & 'foxes':*");
    expect(buildTsQuery('quick brown fox')).toBe("'quick' & 'brown' & 'fox'");
    expect(buildTsQuery('NEAR(foo "bar" -bazooka')).toBe("'NEAR' & 'foo' & 'bar' & 'bazooka':*");
  });

  it('lets no tsquery syntax through', () => {
    const q = buildTsQuery("fox & dog | !cat <-> (x:*) 'it''s' \\ :A")!;
    expect(q).toBe("'fox' & 'dog' & 'cat' & 'x' & 'it' & 's' & 'A'");
    expect(buildTsQuery("&|!()<->:*'\\")).toBeUndefined();
    expect(buildTsQuery('🙂 ')).toBeUndefined();
  });
});
