import { testEnv } from "./env";

export interface UniAuthEvent {
  at: number;
  type: "discovery" | "authorize" | "token" | "userinfo" | "jwks" | "end_session" | "revocation" | "backchannel_logout";
  detail: Record<string, unknown>;
}

/** Ways real OpenID providers differ from UniAuth, as the stand-in can imitate them. */
export interface Quirks {
  claimsOnlyAtUserinfo: boolean;
  maxAgeZeroIgnored: boolean;
  logoutTokenTyp: string | null;
  noScopeInTokenResponse: boolean;
  refreshTokensNotRotated: boolean;
  basicCredentialsUndecoded: boolean;
  backchannelLogoutAdvertised: boolean;
}

async function devCall(path: string, init?: RequestInit, issuer = testEnv("UNIAUTH_ISSUER")): Promise<unknown> {
  const response = await fetch(`${issuer}/dev/${path}`, init);
  if (!response.ok) throw new Error(`local UniAuth /dev/${path}: ${response.status}`);
  return response.json();
}

const put = (body: unknown): RequestInit => ({ method: "PUT", body: JSON.stringify(body), headers: { "content-type": "application/json" } });

/** The local UniAuth stand-in's development hooks, as a test sees them. */
export const localUniAuth = {
  async events(since = 0): Promise<UniAuthEvent[]> {
    return ((await devCall("events")) as UniAuthEvent[]).filter((event) => event.at >= since);
  },
  /**
   * Every code and token the stand-in issued or was sent (authorization codes, ID, access, refresh and logout
   * tokens); `issuer`: another world's stand-in.
   */
  issuedTokens: async (issuer?: string) => (await devCall("issued-tokens", undefined, issuer)) as string[],
  setGroups: (user: string, groups: string[]) => devCall(`users/${user}/groups`, put(groups)),
  setGroupsInIdToken: (enabled: boolean) => devCall("groups-in-id-token", put(enabled)),
  setTokenEndpointStatus: (status: number | null) => devCall("token-endpoint-status", put(status)),
  setTokenEndpointDelay: (ms: number) => devCall("token-endpoint-delay", put(ms)),
  setDiscoveryStatus: (status: number | null) => devCall("discovery-status", put(status)),
  setAuthorizeStatus: (status: number | null) => devCall("authorize-status", put(status)),
  /** Every endpoint of the stand-in waits this long before answering (0: none). */
  setDelay: (ms: number) => devCall("delay", put(ms)),
  /** Turns provider quirks on or off (scripts/uniauth/server.ts Behaviour). */
  setQuirks: (quirks: Partial<Quirks>) => devCall("quirks", put(quirks)),
  /** UniAuth's per-IP rate limits (off as the test runner starts the stand-in); every count starts afresh. */
  setRateLimits: (settings: { enabled?: boolean; windowSeconds?: number; limits?: Partial<Record<"token" | "authorize" | "end_session" | "introspect" | "api", number>> }) =>
    devCall("rate-limits", put(settings)),
  /** Every switch back to UniAuth's own behaviour (rate limits as at the start). */
  reset: () => devCall("reset", put(null)),
  /** Stops listening for a while (connections are refused, open ones dropped), then listens again. */
  goOffline: (ms: number) => devCall("offline", put(ms)),

  /** Calls UniAuth's token or revocation endpoint as the app's client would, with a refresh token. */
  async useRefreshToken(endpoint: "token" | "revoke", refreshToken: string): Promise<Response> {
    const body = new URLSearchParams({
      client_id: testEnv("UNIAUTH_CLIENT_ID"),
      client_secret: testEnv("UNIAUTH_CLIENT_SECRET"),
      ...(endpoint === "token" ? { grant_type: "refresh_token", refresh_token: refreshToken } : { token: refreshToken }),
    });
    return fetch(`${testEnv("UNIAUTH_ISSUER")}/api/oauth/${endpoint}`, { method: "POST", body });
  },

  /** Whether UniAuth still takes this refresh token (token introspection, as the app's client; spends nothing). */
  async isActive(refreshToken: string): Promise<boolean> {
    const body = new URLSearchParams({ client_id: testEnv("UNIAUTH_CLIENT_ID"), client_secret: testEnv("UNIAUTH_CLIENT_SECRET"), token: refreshToken });
    const response = await fetch(`${testEnv("UNIAUTH_ISSUER")}/api/oauth/introspect`, { method: "POST", body });
    if (!response.ok) throw new Error(`local UniAuth introspection: ${response.status}`);
    return ((await response.json()) as { active: boolean }).active;
  },
};
