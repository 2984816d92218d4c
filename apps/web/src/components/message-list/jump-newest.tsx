/** The "Newest" button over the message list: shown while the reader is scrolled up, with the unseen count. */
import { plural } from '../../lib/plural.js';
import { ArrowDownIcon } from '../icons/index.js';

/** Props of {@link JumpNewest}. */
export interface JumpNewestProps {
  /** Messages that arrived below since the reader left the bottom. */
  unseen: number;
  onClick: () => void;
}

/** Jumps to the newest messages (loading them when the chat was opened at a search hit). */
export function JumpNewest({ unseen, onClick }: JumpNewestProps) {
  return (
    <div class="jump-newest-dock">
      <button
        type="button"
        class="jump-newest"
        data-testid="jump-newest"
        data-unseen={unseen}
        onClick={onClick}
        title="Jump to the newest messages"
        aria-label={unseen > 0 ? `Newest: ${plural(unseen, 'new message')}` : 'Jump to the newest messages'}
      >
        <ArrowDownIcon /> Newest
        {unseen > 0 && <span class="unseen-count">{unseen}</span>}
      </button>
    </div>
  );
}
