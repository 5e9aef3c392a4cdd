/**
 * Before a sign-in (the check at the click, discovery), UniAuth counts as down only when silent this long: a provider
 * under load may take several seconds and still sign the user in, and slow is not down.
 */
export const UNIAUTH_DOWN_AFTER_MS = 10_000;
