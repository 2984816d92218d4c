/** Banner shown while the server cannot be reached (offline, or the server is down). */
import { reconnect, reconnecting, serverReachable } from '../../models/connection.js';

export function OfflineBanner() {
  if (serverReachable.value) return null;
  return (
    <div class="banner banner-offline" role="alert" data-testid="offline-banner">
      <strong>Server unreachable.</strong> Chat Studio cannot reach its server, so chats cannot load or be sent. It
      tries again on its own every few seconds.{' '}
      <button type="button" class="link" onClick={() => void reconnect()} disabled={reconnecting.value}>
        {reconnecting.value ? 'Trying…' : 'Try now'}
      </button>
    </div>
  );
}
