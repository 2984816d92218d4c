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
 * another text field has it or the device is touch-first.
 *
 * @example
 * newChat(); focusComposer();
 */
export function focusComposer(): void {
  if (!canAutofocusText()) return;
  requestAnimationFrame(() => {
    const el = document.getElementById(COMPOSER_ID);
    const active = document.activeElement;
    // Never pull focus out of a field the person is typing in (rename, search, settings).
    if (active && active !== el && active.matches('input:not([type=checkbox]), textarea, select, [role=dialog] *'))
      return;
    el?.focus({ preventScroll: true });
  });
}
