/** Where keyboard focus goes on its own: the composer, except where focusing a text field opens a keyboard. */

/**
 * True where focusing a text field on its own is welcome: a fine pointer (mouse, trackpad). On touch screens it
 * would pop up the on-screen keyboard uninvited, so nothing takes focus there until the person taps.
 *
 * @example
 * if (canAutofocusText()) input.focus();
 */
export function canAutofocusText(): boolean {
  if (typeof window === 'undefined' || typeof window.matchMedia !== 'function') return false;
  return !window.matchMedia('(pointer: coarse)').matches;
}

/** Id of the message box. */
export const COMPOSER_ID = 'composer';

/**
 * Moves focus to the message box after the next render (on load, new chat, opening a chat), unless a dialog or
 * another text field has it, the person moved focus themselves in the meantime, or the device is touch-first.
 *
 * @example
 * newChat(); focusComposer();
 */
export function focusComposer(): void {
  if (!canAutofocusText()) return;
  const before = document.activeElement;
  requestAnimationFrame(() => {
    const el = document.getElementById(COMPOSER_ID);
    const active = document.activeElement;
    // Never pull focus out of a field the person is typing in (rename, search, settings).
    if (active && active !== el && active.matches('input:not([type=checkbox]), textarea, select, [role=dialog] *'))
      return;
    // Nor away from where the person moved it before this frame came (a quick Tab to the paper clip while a slow
    // machine loads the app): the move was meant for the focus they had when it was asked for.
    if (active !== before && active !== document.body && active !== el) return;
    el?.focus({ preventScroll: true });
  });
}
