import { describe, expect, it } from 'vitest';
import { buildSnippet } from './build-snippet.js';
import {
  countTerm,
  DOC_FREQUENCY_SAMPLE,
  estimateDocFrequency,
  foldText,
  inverseDocFrequency,
  postgresTermPatterns,
  rankTerms,
  rankWindow,
  type RankTerm,
  termChecker,
} from './rank.js';
import { parseSnippet } from './snippet.js';

describe('rankTerms and countTerm', () => {
  it('folds case and diacritics, and counts whole tokens (token starts for the prefix)', () => {
    const [the, cafe, recip] = rankTerms('The CAFÉ recip');
    expect([the!.folded, cafe!.folded, recip!.folded]).toEqual(['the', 'cafe', 'recip']);
    expect([the!.prefix, recip!.prefix]).toEqual([false, true]);
    expect(countTerm('The theory: THE end, the-end', the!)).toBe(3);
    expect(countTerm('recipe, recipes; a prerecipe', recip!)).toBe(2);
    expect(countTerm(foldText('Café crème'), cafe!)).toBe(1);
    // Accented Latin letters match without folding the text first.
    expect(countTerm('Café, CAFÉ and cafe', cafe!)).toBe(3);
    expect(countTerm('Zürich and ZURICH', rankTerms('zurich')[0]!)).toBe(2);
    expect(rankTerms('fox FOX fox')).toHaveLength(1);
  });

  it('reuses a term across searches, and a reused term counts the same', () => {
    const [first] = rankTerms('garlic');
    const [again] = rankTerms('GARLIC');
    expect(again).toBe(first);
    // The last word is a prefix (`garlic*`), the same word before it a whole word: two terms.
    const [whole] = rankTerms('garlic garl');
    expect(whole).not.toBe(first);
    for (let i = 0; i < 3; i++) {
      expect(countTerm('garlic, Garlic and garlicky garlic', again!)).toBe(4);
      expect(countTerm('garlic, Garlic and garlicky garlic', again!, true)).toBe(4);
      expect(countTerm('garlic, Garlic and garlicky garlic', whole!, true)).toBe(3);
    }
  });
});

describe('document frequency', () => {
  it('is exact below the sample size and extrapolated from the sample density above it', () => {
    expect(estimateDocFrequency({ count: 12, oldest: 5 }, 1000, 1000)).toBe(12);
    // The sample's newest matches span 512 rowids: about one row in two.
    expect(
      estimateDocFrequency({ count: DOC_FREQUENCY_SAMPLE, oldest: 1_000_000 - 511 }, 1_000_000, 1_000_000),
    ).toBeCloseTo(500_000, -3);
    expect(inverseDocFrequency(10, 1_000_000)).toBeGreaterThan(inverseDocFrequency(10_000, 1_000_000));
    // A word in most rows does not discriminate: a tiny positive weight, as FTS5's bm25() gives it.
    expect(inverseDocFrequency(900_000, 1_000_000)).toBe(1e-6);
  });
});

describe('rankWindow', () => {
  it('prefers more occurrences, shorter text and rarer terms; ties go to the newest row', () => {
    const [fox] = rankTerms('fox');
    const once = { seq: 1, content: 'a fox ran across the long and winding road by the river' };
    const twice = { seq: 2, content: 'a fox and another fox ran across the long winding road' };
    const short = { seq: 3, content: 'a fox' };
    expect(rankWindow([once, twice, short], [fox!], [1]).map((r) => r.seq)).toEqual([3, 2, 1]);
    const tie = rankWindow(
      [
        { seq: 7, content: 'fox' },
        { seq: 9, content: 'fox' },
      ],
      [fox!],
      [1],
    );
    expect(tie.map((r) => r.seq)).toEqual([9, 7]);
    const terms = rankTerms('common rare');
    const rows = [
      { seq: 1, content: 'common common common rare' },
      { seq: 2, content: 'common rare rare rare' },
    ];
    expect(rankWindow(rows, terms, [0.01, 5])[0]!.seq).toBe(2);
    expect(rankWindow(rows, terms, [0.01, 5])[0]!.rank).toBeLessThan(0);
  });
});

describe('buildSnippet', () => {
  it('marks ASCII text (its fast path) exactly as the Unicode path marks the same words', () => {
    // A no-break space is not ASCII and not a word character: the same text with it takes the general path.
    const texts = [
      'The quick brown fox jumps over the lazy dog, and the fox is QUICKER than the dog.',
      'telescope galaxy planet orbit comet; Telescopes and galaxies: planetary orbits of comets 42 times',
      'a:b c_d e-f 3.14 x2y2 what time is it? It is time to eat what the time says, then telescope...',
      '',
      '   ',
    ];
    for (const text of texts)
      for (const q of [
        'the',
        'fox quick',
        'teles',
        'what time is it',
        'comet galax',
        'x2y2 3',
        'café? (python) async*',
      ])
        for (const size of [4, 16]) {
          const terms = rankTerms(q);
          expect(buildSnippet(text, terms, size)).toBe(
            buildSnippet(text.replaceAll(' ', '\u00a0'), terms, size).replaceAll('\u00a0', ' '),
          );
        }
  });

  it('marks the matched words around the best part of a long text, with ellipses where it goes on', () => {
    const words = Array.from({ length: 60 }, (_, i) => `w${i}`);
    words[40] = 'Zürich';
    words[42] = 'fondue';
    const marked = buildSnippet(words.join(' '), rankTerms('zurich fondue'), 16);
    const { snippet, highlights } = parseSnippet(marked);
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    expect(highlights.map(([a, b]) => snippet.slice(a, b))).toEqual(['Zürich', 'fondue']);
    expect(snippet.split(' ').length).toBeLessThanOrEqual(17);
  });

  it('keeps a short text whole', () => {
    const { snippet, highlights } = parseSnippet(
      buildSnippet('I love 🍕 pizza with pineapple', rankTerms('pinea'), 16),
    );
    expect(snippet).toBe('I love 🍕 pizza with pineapple');
    expect(snippet.slice(...highlights[0]!)).toBe('pineapple');
  });
});

describe('termChecker', () => {
  it('finds a whole word as the tokenizer splits text, ignoring case and diacritics', () => {
    const [to, a] = rankTerms('to a').map(termChecker);
    // ASCII text: runs of letters and digits are words; `_` and every other character separate them.
    expect(['To be', 'to_do', 'x TO', '(to)', 'how-to'].map((t) => to!(t))).toEqual([true, true, true, true, true]);
    expect(['toe', 'into', 'photo2'].map((t) => to!(t))).toEqual([false, false, false]);
    // Other text: found as written, or after folding diacritics, never inside a longer word.
    expect(['café to go', 'crème TÓ', 'tó-', 'à la carte', 'naïve'].map((t) => to!(t) || a!(t))).toEqual([
      true,
      true,
      true,
      true,
      false,
    ]);
    expect(['éto', 'toé', 'ña', 'aб'].map((t) => to!(t) || a!(t))).toEqual([false, false, false, false]);
  });
});

describe('termChecker for a prefix', () => {
  it('finds a token that starts with the prefix, as FTS5 matches "prefix"*', () => {
    const [prompt] = rankTerms('prompt').map((t) => termChecker({ ...t, prefix: true }));
    expect(['Prompt', 'prompts here', 'x_prompting', '(promptly)', 'a prompt2'].map((t) => prompt!(t))).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(['reprompt', 'prompt'.slice(0, 5), 'x2prompt', 'café reprompt'].map((t) => prompt!(t))).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(['café PROMPTÉ', 'naïve prómpts'].map((t) => prompt!(t))).toEqual([true, true]);
  });
});

describe('postgresTermPatterns', () => {
  it('matches whole ASCII tokens as \\b does, and accented forms in other text', () => {
    const [hotel, cafe, muse] = rankTerms('hotel café muse');
    expect(postgresTermPatterns(hotel!)).toEqual({
      ascii: '\\mhotel\\M',
      other: expect.stringMatching(/^\(\?<!\[\[:alnum:\]\]\)\[h[^\]]*\]/),
    });
    // A prefix has no end; the accented letter of the query is folded like the text.
    expect(postgresTermPatterns(muse!).ascii).toBe('\\mmuse');
    expect(postgresTermPatterns(cafe!).other).toContain('[eÈÉÊË');
    // The ASCII pattern, read as JavaScript, counts what countTerm counts in ASCII text.
    const text = 'Hotel hotels hotel_bar my-hotel HOTEL 2hotel hotel2 (hotel)';
    const asJs = (term: RankTerm) => new RegExp(postgresTermPatterns(term).ascii.replace(/\\[mM]/g, '\\b'), 'gi');
    expect(text.match(asJs(hotel!))?.length).toBe(countTerm(text, hotel!, true));
    expect(text.match(asJs(rankTerms('hote')[0]!))?.length).toBe(countTerm(text, rankTerms('hote')[0]!, true));
  });
});
