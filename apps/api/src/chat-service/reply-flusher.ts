/**
 * Stores a streaming reply as it is sent, so that a process killed mid-stream (SIGKILL, a crash) loses only the
 * last few tokens clients were shown: never more than `maxTokens` tokens, nor any token sent more than `maxDelayMs`
 * ago (plus the time of one store write).
 */

/** Options of {@link createReplyFlusher}. */
export interface ReplyFlusherOptions {
  /**
   * Stores the text sent so far (the reply's partial text). Writes never overlap: one runs at a time. Given the whole
   * text unless `append` is set.
   */
  write(text: string): Promise<unknown>;
  /**
   * `write` gets only the text sent since the last write that succeeded, to append to what is stored (one short
   * `content || ?` per flush instead of the whole growing reply: O(n) bytes in all, not O(n²)). A failed write's
   * text is given again, with what came after it, to the next. Defaults to false (the whole text each time).
   */
  append?: boolean;
  /** Longest a sent token waits before it is stored, in ms. */
  maxDelayMs: number;
  /** Most sent tokens left unstored: the one that reaches it is stored at once. 0: no token bound, time only. */
  maxTokens: number;
  /** Called when a write fails; the next write tries again with the text then. Defaults to none. */
  onError?: (error: unknown) => void;
}

/** A reply's flusher: feed it what was sent, finish it before the final store. */
export interface ReplyFlusher {
  /** `piece` (one token's text) has been sent to the client. */
  sent(piece: string): void;
  /** Everything sent so far, in order. */
  readonly text: string;
  /** Stops the timer and waits for the write in flight; nothing is written after it returns. */
  finish(): Promise<void>;
}

/**
 * Writes the sent text when `maxTokens` tokens are unstored or the oldest unstored token is `maxDelayMs` old, whichever
 * comes first; at most one write runs at a time, and one that finds nothing new sent is skipped.
 *
 * @example
 * const flusher = createReplyFlusher({ write: (t) => store.messages.writePartial(userId, id, t), maxDelayMs: 100, maxTokens: 16 });
 * onToken: (t) => void send(t).then(() => flusher.sent(t));
 */
export function createReplyFlusher(options: ReplyFlusherOptions): ReplyFlusher {
  const { maxDelayMs, maxTokens } = options;
  let text = '';
  let stored = 0;
  let unstoredTokens = 0;
  let timer: NodeJS.Timeout | undefined;
  let writing: Promise<void> | undefined;
  /** Set while a write runs and more became due: written as soon as that write ends. */
  let again = false;
  let finished = false;

  /**
   * Stores the text sent by then: at once when `maxTokens` tokens are unstored (tokens can arrive in a burst, e.g. a
   * batch from the worker thread, and the writer sends them all within microtasks: waiting for a macrotask would let
   * the whole burst reach the client unstored); otherwise a macrotask later, so the socket writes queued with the last
   * tokens go first.
   */
  async function writeSoon(now: boolean): Promise<void> {
    if (!now) await new Promise((resolve) => setImmediate(resolve));
    if (finished || text.length === stored) return;
    const snapshot = text;
    unstoredTokens = 0;
    try {
      await options.write(options.append ? snapshot.slice(stored) : snapshot);
      stored = snapshot.length;
    } catch (error) {
      options.onError?.(error);
    }
  }

  function due(now = false): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (writing) {
      again = true;
      return;
    }
    if (finished || text.length === stored) return;
    writing = writeSoon(now).finally(() => {
      writing = undefined;
      if (again) {
        again = false;
        due(maxTokens > 0 && unstoredTokens >= maxTokens);
      } else if (text.length > stored && !timer && !finished) arm();
    });
  }

  function arm(): void {
    timer = setTimeout(due, maxDelayMs);
    timer.unref();
  }

  return {
    sent(piece) {
      if (finished || piece === '') return;
      text += piece;
      unstoredTokens++;
      if (maxTokens > 0 && unstoredTokens >= maxTokens) due(true);
      else if (!timer && !writing) arm();
    },
    get text() {
      return text;
    },
    async finish() {
      finished = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      again = false;
      while (writing) await writing;
    },
  };
}
