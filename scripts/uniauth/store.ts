import type { Adapter, AdapterPayload } from "oidc-provider";

/** The models a grant's revocation deletes (as oidc-provider's own store has them): never an Interaction or Session, which can name a grant too. */
const GRANTABLE = new Set(["AccessToken", "AuthorizationCode", "RefreshToken", "DeviceCode", "BackchannelAuthenticationRequest"]);

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

/**
 * Where the local UniAuth keeps its sessions, grants and tokens: in memory, each until it expires. oidc-provider's
 * built-in store keeps only the last 1000 to 2000 entries written, and a sign-in writes about eight: after a few
 * hundred sign-ins (a load test, a long day of development) older refresh tokens would be forgotten and their
 * refreshes answered invalid_grant, which UniAuth never does to a live token. One store per provider model.
 */
export function inMemoryStore(): new (model: string) => Adapter {
  const entries = new Map<string, Entry>();
  const byGrant = new Map<string, Set<string>>();
  const byUid = new Map<string, string>();
  const byUserCode = new Map<string, string>();

  const live = (key: string | undefined) => {
    const entry = key === undefined ? undefined : entries.get(key);
    if (!entry || entry.expiresAt > Date.now()) return entry?.payload;
    entries.delete(key!);
    return undefined;
  };

  return class implements Adapter {
    constructor(private readonly model: string) {}

    private key(id: string) {
      return `${this.model}:${id}`;
    }

    async upsert(id: string, payload: AdapterPayload, expiresIn = 0) {
      const key = this.key(id);
      entries.set(key, { payload, expiresAt: expiresIn > 0 ? Date.now() + expiresIn * 1000 : Infinity });
      if (payload.grantId && GRANTABLE.has(this.model)) byGrant.set(payload.grantId, (byGrant.get(payload.grantId) ?? new Set()).add(key));
      if (payload.uid && this.model === "Session") byUid.set(payload.uid, key);
      if (payload.userCode) byUserCode.set(`${this.model}:${payload.userCode}`, key);
    }

    async find(id: string) {
      return live(this.key(id));
    }

    async findByUid(uid: string) {
      return live(byUid.get(uid));
    }

    async findByUserCode(userCode: string) {
      return live(byUserCode.get(`${this.model}:${userCode}`));
    }

    async consume(id: string) {
      const payload = live(this.key(id));
      if (payload) payload.consumed = Math.floor(Date.now() / 1000);
    }

    async destroy(id: string) {
      entries.delete(this.key(id));
    }

    async revokeByGrantId(grantId: string) {
      for (const key of byGrant.get(grantId) ?? []) entries.delete(key);
      byGrant.delete(grantId);
    }
  };
}
