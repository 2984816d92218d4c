// The peer bench's bookkeeping (bench/peer-results.mjs): a failed llama-server or Chat Studio measure is reported as
// failed, never as a figure. The lead's quiet run of 2026-12-03 10:29 printed 1.2 tok/s for four parallel
// llama-server streams of which one had failed; these are those cases, with fake streams.
import { describe, expect, it } from 'vitest';
import {
  aggregateRate,
  combineRounds,
  formatCell,
  formatRatio,
  singleFigures,
  sseError,
  streamFailure,
  streamRate,
} from '../../bench/peer-results.mjs';

/** A stream of `tokens` tokens from `first` to `last` ms (performance.now() stamps, as the bench takes them). */
const stream = (tokens: number, first: number, last: number, error?: string) => ({
  tokens,
  first,
  last,
  ttft: 5,
  ...(error ? { error } : {}),
});

describe('peer bench results', () => {
  it('times a good stream from its first token to its last', () => {
    expect(streamFailure(stream(101, 1000, 1100))).toBeUndefined();
    expect(streamRate(stream(101, 1000, 1100))).toEqual({ value: 1000 });
  });

  it('fails a stream with an error, no tokens or no token text', () => {
    expect(streamRate(stream(50, 1000, 1100, 'stream answered 500: boom'))).toEqual({
      failed: 'stream answered 500: boom',
    });
    expect(streamRate(stream(0, 1000, 1100))).toEqual({ failed: 'no tokens' });
    expect(streamRate(stream(48, 0, 0))).toEqual({ failed: 'no token text streamed' });
  });

  it('fails four parallel streams when one of them failed, instead of timing the span from 0', () => {
    const good = [stream(48, 10_000, 10_100), stream(48, 10_010, 10_120), stream(48, 10_020, 10_110)];
    // The old arithmetic: 144 tokens over (10,120 − 0) ms = 14 tok/s, printed as llama-server's speed.
    const failed = aggregateRate([...good, stream(0, 0, 0, 'timed out: The operation was aborted due to timeout')]);
    expect(failed).toEqual({ failed: '1 of 4 streams failed: timed out: The operation was aborted due to timeout' });
    const ok = aggregateRate([...good, stream(48, 10_000, 10_120)]);
    expect('value' in ok && ok.value).toBeCloseTo(192 / 0.12, 6);
  });

  it('reads an error event sent after a 2xx status', () => {
    expect(sseError([{ choices: [] }, { error: { code: 500, message: 'does not match' } }])).toBe(
      'error event: does not match',
    );
    expect(sseError([{ type: 'error', code: 'generation_failed', message: 'model gone' }])).toBe(
      'error event: model gone',
    );
    expect(sseError([{ type: 'token', text: 'a' }, { type: 'done' }])).toBeUndefined();
  });

  it('fails the single-stream figure of a round when one of its streams failed', () => {
    expect(singleFigures([stream(101, 1000, 1100), stream(0, 0, 0, 'stream answered 503: busy')])).toEqual({
      single: { failed: 'stream answered 503: busy' },
      ttft: { failed: 'stream answered 503: busy' },
    });
    expect(singleFigures([stream(101, 1000, 1100), stream(51, 0 + 2000, 2100)])).toEqual({
      single: { value: 500 },
      ttft: { value: 5 },
    });
  });

  it('takes the median of the rounds that measured and says how many failed', () => {
    const cell = combineRounds([{ value: 2000 }, { failed: 'no tokens' }, { value: 2200 }]);
    expect(cell).toEqual({ value: 2000, rounds: 3, failedRounds: 1, reason: 'no tokens' });
    expect(formatCell(cell)).toBe('2000.0 (1 of 3 rounds failed: no tokens)');
    expect(formatCell(combineRounds([{ value: 1659.34 }]))).toBe('1659.3');
  });

  it('prints a cell with no measured round as failed and never as a ratio', () => {
    const failed = combineRounds([{ failed: '2 of 4 streams failed: no tokens' }, { failed: 'no tokens' }]);
    expect(formatCell(failed)).toBe('failed (2 of 4 streams failed: no tokens)');
    const ours = combineRounds([{ value: 106.3 }]);
    expect(formatRatio(ours, failed)).toBe('—');
    expect(formatRatio(failed, ours)).toBe('—');
    expect(formatRatio(combineRounds([{ value: 300 }]), combineRounds([{ value: 200 }]))).toBe('**1.50×**');
  });
});
