/** Banner shown while chat cannot answer: the server's reason and what to do about it. */
import { availability } from '../../models/models.js';

export function UnavailableBanner() {
  const a = availability.value;
  if (!a) return null;
  return (
    <div class="banner" role="alert" data-testid="unavailable-banner">
      <strong>Chat is not available:</strong> <span data-testid="unavailable-reason">{a.reason}</span>
      <p class="banner-hint">{a.hint}</p>
    </div>
  );
}
