// @ts-expect-error: an internal module of oidc-provider, without types (it has no "exports" map, so it resolves).
import LRU from "oidc-provider/lib/helpers/lru.js";

interface Entry {
  value: unknown;
  expiry?: number;
}

const stores = new WeakMap<object, Map<string, Entry>>();
const storeOf = (lru: object) => stores.get(lru) ?? stores.set(lru, new Map()).get(lru)!;
const live = (lru: object, key: string) => {
  const entry = storeOf(lru).get(key);
  if (entry?.expiry === undefined || entry.expiry > Date.now()) return entry;
  storeOf(lru).delete(key);
  return undefined;
};

/**
 * The local UniAuth keeps its sessions, grants and tokens in oidc-provider's in-memory store, which forgets all but
 * the last 1000 to 2000 entries written (lib/helpers/lru.js). A sign-in writes about eight, so a few hundred sessions'
 * refresh tokens would be forgotten, and their refreshes answered invalid_grant, before they came due. For this
 * process only (call it before the stand-in starts), the store keeps every entry until it expires.
 */
export function keepEveryUniAuthEntry(): void {
  Object.assign(LRU.prototype, {
    get(this: object, key: string) {
      return live(this, key)?.value;
    },
    set(this: object, key: string, value: unknown, { maxAge }: { maxAge?: number } = {}) {
      storeOf(this).set(key, { value, expiry: typeof maxAge === "number" && Number.isFinite(maxAge) ? Date.now() + maxAge : undefined });
      return this;
    },
    has(this: object, key: string) {
      return live(this, key) !== undefined;
    },
    delete(this: object, key: string) {
      return storeOf(this).delete(key);
    },
    clear(this: object) {
      storeOf(this).clear();
    },
  });
}
