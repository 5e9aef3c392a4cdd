import { createHmac, randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { SignJWT, decodeJwt, exportJWK, generateKeyPair, importJWK, type JWK } from "jose";
import type { Context } from "koa";
import Provider, { type Configuration, type KoaContextWithOIDC } from "oidc-provider";
import { z } from "zod";
import { homePage, messagePage, page, signInPage } from "./pages";
import { createUserStore, type UserStore } from "./users";
import { inMemoryStore } from "./store";

/** Credentials of the one client the stand-in knows, shaped like UniAuth's (`uni_` + 32, `unis_` + 64). */
export const LOCAL_CLIENT = {
  id: `uni_${"localstandin".padEnd(32, "0")}`,
  secret: `unis_${"localstandinsecret".padEnd(64, "0")}`,
} as const;

export interface UniAuthEvent {
  at: number;
  type: "discovery" | "authorize" | "token" | "userinfo" | "jwks" | "end_session" | "revocation" | "backchannel_logout";
  detail: Record<string, unknown>;
}

export interface LocalUniAuth {
  issuer: string;
  /** The private signing keys, for tests that mint their own tokens (a logout token, say). */
  keys: { rsa: JWK; ec: JWK };
  users: UserStore;
  events: UniAuthEvent[];
  stop: () => Promise<void>;
}

interface Options {
  port: number;
  /** The app's origin, for the client's redirect and logout URIs. */
  appUrl: string;
  /** Other origins of the same app that may receive sign-ins (another instance, in the tests). */
  otherAppUrls?: string[];
  /** Where signing keys live between runs, so restarts keep ID tokens and app sessions valid; none: fresh keys. */
  stateDir?: string;
  /**
   * UniAuth's per-IP rate limits. Default: on, over UNIAUTH_RATE_WINDOW_SECONDS (900, UniAuth's 15 minutes) unless
   * UNIAUTH_RATE_LIMITS=off. The test runner turns them off (its suites make many calls from one IP) and a test that
   * wants them switches them on through /dev/rate-limits.
   */
  rateLimits?: boolean;
}

/** What UniAuth counts per client IP and window: each class has its own count. */
export type RateClass = "token" | "authorize" | "end_session" | "introspect" | "api";

/** UniAuth's documented limits per client IP and 15 minutes. */
export const UNIAUTH_RATE_LIMITS: Readonly<Record<RateClass, number>> = { token: 30, authorize: 20, end_session: 10, introspect: 30, api: 100 };

interface RateLimits {
  enabled: boolean;
  windowMs: number;
  limits: Record<RateClass, number>;
}

function defaultRateLimits(enabled?: boolean): RateLimits {
  const windowSeconds = Number(process.env.UNIAUTH_RATE_WINDOW_SECONDS ?? 900);
  return {
    enabled: enabled ?? process.env.UNIAUTH_RATE_LIMITS !== "off",
    windowMs: (Number.isFinite(windowSeconds) && windowSeconds > 0 ? windowSeconds : 900) * 1000,
    limits: { ...UNIAUTH_RATE_LIMITS },
  };
}

/** Switches, flipped through /dev/, that make the stand-in behave like UniAuth on a bad day. */
interface Behaviour {
  /** Off: `groups` only in userinfo, not the ID token (to exercise the app's userinfo fallback). */
  groupsInIdToken: boolean;
  /** Set: the token endpoint answers with this status (an outage, a rate limit) instead of working. */
  tokenEndpointStatus: number | null;
  /** Milliseconds the token endpoint waits before answering: room for a test to act mid-refresh. */
  tokenEndpointDelayMs: number;
  /** Set: discovery answers with this status (an outage) instead of the document. */
  discoveryStatus: number | null;
  /** Set: the authorization endpoint answers with this status (an outage) instead of working. */
  authorizeStatus: number | null;
  /**
   * Milliseconds every endpoint an app calls (discovery, keys, authorization, token, userinfo, revocation,
   * introspection) waits before answering: a slow provider, not a dead one. The pages a person sees are not slowed.
   */
  delayMs: number;
  /**
   * Ways real OpenID providers differ from UniAuth, each a switch. On: the ID token carries only protocol claims
   * (sub, sid, auth_time, acr, amr, nonce…) and email, name and groups are at userinfo only.
   */
  claimsOnlyAtUserinfo: boolean;
  /** On: `max_age=0` alone is ignored (the provider's session answers, with the old auth_time); `prompt=login` still asks. */
  maxAgeZeroIgnored: boolean;
  /** Set: logout tokens carry this `typ` header (e.g. the generic "JWT") instead of logout+jwt. */
  logoutTokenTyp: string | null;
  /** On: token responses have no `scope` (which means "as requested", RFC 6749 §5.1). */
  noScopeInTokenResponse: boolean;
  /** On: a refresh keeps the refresh token, and the response carries none. */
  refreshTokensNotRotated: boolean;
  /**
   * On: discovery lists only client_secret_basic, and the Basic credentials are compared as sent, without the
   * form-decoding RFC 6749 §2.3.1 asks for: a percent-encoded client id (`uni%5F…`) is an unknown client (401).
   */
  basicCredentialsUndecoded: boolean;
  /** Off: discovery does not advertise back-channel logout (backchannel_logout_supported and _session_supported). */
  backchannelLogoutAdvertised: boolean;
}

const defaultBehaviour = (): Behaviour => ({
  groupsInIdToken: true,
  tokenEndpointStatus: null,
  tokenEndpointDelayMs: 0,
  discoveryStatus: null,
  authorizeStatus: null,
  delayMs: 0,
  claimsOnlyAtUserinfo: false,
  maxAgeZeroIgnored: false,
  logoutTokenTyp: null,
  noScopeInTokenResponse: false,
  refreshTokensNotRotated: false,
  basicCredentialsUndecoded: false,
  backchannelLogoutAdvertised: true,
});

interface Secrets {
  jwk: JWK;
  /** Published but never used to sign: a token signed with it must still be refused (algorithm pinning). */
  ecJwk: JWK;
  cookieKeys: string[];
  pairwiseSalt: string;
}

/** How a user signed in, as UniAuth names it in `acr`. */
const ACR = { pwd: "urn:uniauth:acr:pwd", mfa: "urn:uniauth:acr:mfa" } as const;

const DISCOVERY_PATH = "/.well-known/openid-configuration";

const ROUTES = {
  authorization: "/api/oauth/authorize",
  token: "/api/oauth/token",
  userinfo: "/api/oauth/userinfo",
  jwks: "/.well-known/jwks.json",
  end_session: "/api/oauth/end-session",
  revocation: "/api/oauth/revoke",
  introspection: "/api/oauth/introspect",
  pushed_authorization_request: "/api/oauth/par",
  registration: "/api/oauth/register",
} as const;

const SLOWED_PATHS = new Set([DISCOVERY_PATH, ROUTES.authorization, ROUTES.token, ROUTES.userinfo, ROUTES.jwks, ROUTES.revocation, ROUTES.introspection]);

/** Starts an OpenID provider that behaves like UniAuth on localhost. */
export async function startLocalUniAuth({ port, appUrl, otherAppUrls = [], stateDir, rateLimits: rateLimitsOn }: Options): Promise<LocalUniAuth> {
  if (process.env.NODE_ENV === "production") {
    throw new Error("The local UniAuth stand-in is for development and tests; it refuses to run with NODE_ENV=production.");
  }
  const issuer = `http://localhost:${port}`;
  const secrets = await loadSecrets(stateDir);
  const users = createUserStore();
  const behaviour = defaultBehaviour();
  const rateLimiter = createRateLimiter(defaultRateLimits(rateLimitsOn));
  const events: UniAuthEvent[] = [];
  const record = (type: UniAuthEvent["type"], detail: Record<string, unknown>) => {
    events.push({ at: Date.now(), type, detail });
    if (events.length > 5000) events.shift();
  };

  // Every code and token that passed through, for the e2e check that none reaches the app's logs.
  const issued: string[] = [];
  const noteIssued = (...tokens: unknown[]) => {
    for (const token of tokens) if (typeof token === "string") issued.push(token);
    issued.splice(0, issued.length - 20_000);
  };

  const provider = new Provider(issuer, configuration([appUrl, ...otherAppUrls], secrets, users, behaviour, noteIssued));
  provider.on("backchannel.success", (_ctx, _client, accountId, sid) => record("backchannel_logout", { ok: true, accountId, sid }));
  provider.on("backchannel.error", (_ctx, error, _client, accountId, sid) =>
    record("backchannel_logout", { ok: false, accountId, sid, error: error.message }),
  );
  provider.use(async (ctx, next) => {
    if (!ctx.path.startsWith("/dev/") && !rateLimiter.admit(ctx, record)) return;
    if (behaviour.delayMs && SLOWED_PATHS.has(ctx.path)) await new Promise((done) => setTimeout(done, behaviour.delayMs));
    if (ctx.path === ROUTES.token && behaviour.tokenEndpointDelayMs) await new Promise((done) => setTimeout(done, behaviour.tokenEndpointDelayMs));
    if (ctx.path === ROUTES.token && behaviour.tokenEndpointStatus) {
      record("token", { status: behaviour.tokenEndpointStatus, simulatedFailure: true });
      ctx.status = behaviour.tokenEndpointStatus;
      if (ctx.status === 429) ctx.set("Retry-After", "2");
      ctx.body = { error: "temporarily_unavailable", error_description: "Simulated outage (local stand-in)." };
      return;
    }
    const failing = ctx.path === DISCOVERY_PATH ? behaviour.discoveryStatus : ctx.path === ROUTES.authorization ? behaviour.authorizeStatus : null;
    if (failing) {
      record(ctx.path === DISCOVERY_PATH ? "discovery" : "authorize", { status: failing, simulatedFailure: true });
      ctx.status = failing;
      ctx.body = "Simulated outage (local stand-in).";
      return;
    }
    if (ctx.method === "PUT" && ctx.path === "/dev/offline") {
      const parsed = z.number().int().min(100).max(60_000).safeParse(await readJson(ctx.req));
      if (!parsed.success) return ctx.throw(400, "Send the number of milliseconds to stay offline (100 to 60000).");
      const ms = parsed.data;
      // Once this answer is out, stop listening (a real "connection refused") and drop open connections.
      ctx.res.once("finish", () => goOffline(ms));
      ctx.body = { offlineMs: ms };
      return;
    }
    const interaction = /^\/interaction\/([\w-]+)(?:\/(login|abort))?$/.exec(ctx.path);
    if (interaction) return handleInteraction(provider, users, ctx, interaction[1]!, interaction[2]);
    if (ctx.path === "/dev/rate-limits") return rateLimiter.devSwitch(ctx, await readJson(ctx.req));
    if (ctx.method === "PUT" && ctx.path === "/dev/refresh-tokens") return mintRefreshTokens(provider, users, ctx, await readJson(ctx.req));
    if (ctx.path === "/dev/reset") rateLimiter.reset();
    if (ctx.path.startsWith("/dev/")) return handleDev(users, behaviour, { events, issued }, ctx);
    if (ctx.method === "GET" && ctx.path === "/") {
      ctx.type = "html";
      ctx.body = homePage(ROUTES.end_session);
      return;
    }
    // As the app sent it, before a quirk below changes it.
    const query = { ...ctx.query };
    if (behaviour.maxAgeZeroIgnored && ctx.path === ROUTES.authorization && ctx.query.max_age === "0") {
      const params = new URLSearchParams(ctx.querystring);
      if (!params.getAll("prompt").join(" ").split(" ").includes("login")) {
        params.delete("max_age");
        ctx.querystring = params.toString();
      }
    }
    if (behaviour.basicCredentialsUndecoded && CLIENT_AUTH_PATHS.has(ctx.path) && !basicCredentialsAsRegistered(ctx.get("authorization"))) {
      record(ctx.path === ROUTES.token ? "token" : "revocation", { status: 401, basicCredentialsUndecoded: true });
      ctx.status = 401;
      ctx.set("WWW-Authenticate", `Basic realm="${issuer}", error="invalid_client"`);
      ctx.body = { error: "invalid_client", error_description: "client authentication failed (credentials compared as sent)" };
      return;
    }
    await next();
    applyQuirks(ctx, behaviour);
    recordOAuthCall(ctx, query, record, noteIssued);
  });

  const server = http.createServer(provider.callback());
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const fail = (error: NodeJS.ErrnoException) =>
        reject(error.code === "EADDRINUSE" ? new Error(`Port ${port} for the local UniAuth is busy.`) : error);
      server.once("error", fail);
      server.listen(port, "localhost", () => {
        server.off("error", fail);
        resolve();
      });
    });
  let backOnline: NodeJS.Timeout | undefined;
  const goOffline = (ms: number) => {
    server.close();
    server.closeAllConnections();
    backOnline = setTimeout(() => listen().catch((error: Error) => console.error(`The local UniAuth could not listen again: ${error.message}`)), ms);
  };
  await listen();
  return {
    issuer,
    keys: { rsa: secrets.jwk, ec: secrets.ecJwk },
    users,
    events,
    stop: () => {
      clearTimeout(backOnline);
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** The rate class of a path, as UniAuth counts: null for what it does not limit (discovery, JWKS, its own pages). */
function rateClass(path: string): RateClass | null {
  if (path === ROUTES.token) return "token";
  if (path === ROUTES.authorization) return "authorize";
  if (path === ROUTES.end_session || path.startsWith(`${ROUTES.end_session}/`)) return "end_session";
  if (path === ROUTES.introspection) return "introspect";
  return path.startsWith("/api/") ? "api" : null;
}

const RATE_EVENT: Partial<Record<RateClass, UniAuthEvent["type"]>> = { token: "token", authorize: "authorize", end_session: "end_session" };

const rateLimitsSwitch = z.strictObject({
  enabled: z.boolean().optional(),
  windowSeconds: z.number().min(0.1).max(24 * 3600).optional(),
  limits: z.strictObject({ token: z.number().int().min(0), authorize: z.number().int().min(0), end_session: z.number().int().min(0), introspect: z.number().int().min(0), api: z.number().int().min(0) }).partial().optional(),
});

/**
 * UniAuth's limits: per client IP and class, a sliding window of the calls admitted (a refused call does not
 * count). Over the limit: 429, `Retry-After` in seconds until the oldest call in the window leaves it, and an
 * RFC 6749-style error body.
 */
function createRateLimiter(initial: RateLimits) {
  let settings = initial;
  const calls = new Map<string, number[]>();
  return {
    admit(ctx: Context, record: RecordEvent): boolean {
      const rateClassOfPath = settings.enabled ? rateClass(ctx.path) : null;
      if (!rateClassOfPath) return true;
      const now = Date.now();
      const key = `${ctx.req.socket.remoteAddress ?? "unknown"} ${rateClassOfPath}`;
      const inWindow = (calls.get(key) ?? []).filter((at) => at > now - settings.windowMs);
      calls.set(key, inWindow);
      if (inWindow.length < settings.limits[rateClassOfPath]) {
        inWindow.push(now);
        return true;
      }
      const retryAfter = inWindow.length ? Math.max(1, Math.ceil((inWindow[0]! + settings.windowMs - now) / 1000)) : Math.ceil(settings.windowMs / 1000);
      const type = RATE_EVENT[rateClassOfPath];
      if (type) record(type, { status: 429, rateLimited: true });
      ctx.status = 429;
      ctx.set("Retry-After", String(retryAfter));
      ctx.set("Cache-Control", "no-store");
      ctx.body = { error: "rate_limit_exceeded", error_description: `Too many requests to this endpoint from your IP; retry in ${retryAfter} s.` };
      return false;
    },
    /** Back to the settings the stand-in started with, every count afresh (/dev/reset). */
    reset() {
      calls.clear();
      settings = { ...initial, limits: { ...initial.limits } };
    },
    /** PUT /dev/rate-limits { enabled?, windowSeconds?, limits? } changes the settings and starts every count afresh. */
    devSwitch(ctx: Context, body: unknown) {
      calls.clear();
      if (ctx.method !== "PUT") ctx.throw(405);
      const parsed = rateLimitsSwitch.safeParse(body);
      if (!parsed.success) ctx.throw(400, "Send { enabled?, windowSeconds?, limits?: { token?, authorize?, end_session?, introspect?, api? } }.");
      const { enabled, windowSeconds, limits } = parsed.data;
      settings = {
        enabled: enabled ?? settings.enabled,
        windowMs: windowSeconds ? windowSeconds * 1000 : settings.windowMs,
        limits: { ...settings.limits, ...limits },
      };
      ctx.body = { enabled: settings.enabled, windowSeconds: settings.windowMs / 1000, limits: settings.limits };
    },
  };
}

type RecordEvent = (type: UniAuthEvent["type"], detail: Record<string, unknown>) => void;

/** The endpoints where a client authenticates. */
const CLIENT_AUTH_PATHS = new Set<string>([ROUTES.token, ROUTES.revocation, ROUTES.introspection]);

/**
 * Under the basicCredentialsUndecoded quirk: false for Basic credentials that are not, character for character, the
 * client's id and secret. Other kinds of client authentication (a form body) are left to oidc-provider.
 */
function basicCredentialsAsRegistered(authorization: string): boolean {
  const [scheme, encoded] = authorization.split(" ");
  if (scheme?.toLowerCase() !== "basic" || !encoded) return true;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const at = decoded.indexOf(":");
  return decoded.slice(0, at) === LOCAL_CLIENT.id && decoded.slice(at + 1) === LOCAL_CLIENT.secret;
}

/** The quirks that change what oidc-provider answered: discovery metadata and token responses. */
function applyQuirks(ctx: Context & Partial<Pick<KoaContextWithOIDC, "oidc">>, behaviour: Behaviour) {
  const body = ctx.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== "object" || Buffer.isBuffer(body)) return;
  if (ctx.path === DISCOVERY_PATH) {
    if (behaviour.basicCredentialsUndecoded) {
      for (const key of ["token_endpoint_auth_methods_supported", "revocation_endpoint_auth_methods_supported", "introspection_endpoint_auth_methods_supported"]) {
        if (key in body) body[key] = ["client_secret_basic"];
      }
    }
    if (!behaviour.backchannelLogoutAdvertised) {
      delete body.backchannel_logout_supported;
      delete body.backchannel_logout_session_supported;
    }
  }
  if (ctx.path === ROUTES.token && ctx.status === 200) {
    if (behaviour.noScopeInTokenResponse) delete body.scope;
    if (behaviour.refreshTokensNotRotated && ctx.oidc?.params?.grant_type === "refresh_token") delete body.refresh_token;
  }
}
type NoteIssued = (...tokens: unknown[]) => void;

function configuration(appUrls: string[], secrets: Secrets, users: UserStore, behaviour: Behaviour, noteIssued: NoteIssued): Configuration {
  const appUrl = appUrls[0]!;
  return {
    clients: [
      {
        client_id: LOCAL_CLIENT.id,
        client_secret: LOCAL_CLIENT.secret,
        client_name: "UniAuth Next.js starter (local)",
        redirect_uris: appUrls.map((url) => `${url}/api/auth/callback/uniauth`),
        post_logout_redirect_uris: appUrls.flatMap((url) => [`${url}/signed-out`, url]),
        backchannel_logout_uri: `${appUrl}/api/auth/backchannel-logout`,
        backchannel_logout_session_required: true,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
        id_token_signed_response_alg: "RS256",
        subject_type: "pairwise",
        // Redirect URIs on several origins (more app instances, in the tests) make oidc-provider ask for a sector
        // identifier. Subjects here hash the client id instead (pairwiseIdentifier), so it is never fetched.
        sector_identifier_uri: "https://sector.invalid/redirect-uris.json",
        // UniAuth's ID tokens always say when the user signed in.
        require_auth_time: true,
      },
    ],
    jwks: { keys: [secrets.jwk, secrets.ecJwk] },
    cookies: { keys: secrets.cookieKeys },
    routes: ROUTES,
    clientAuthMethods: ["client_secret_post"],
    responseTypes: ["code"],
    enabledJWA: { idTokenSigningAlgValues: ["RS256"] },
    adapter: inMemoryStore(),
    pkce: { required: () => true },
    scopes: ["openid"],
    // UniAuth advertises acr (urn:uniauth:acr:pwd|mfa|passkey) and amr; here a sign-in is by password, with or without MFA.
    acrValues: [ACR.pwd, ACR.mfa, "urn:uniauth:acr:passkey"],
    claims: {
      // In the openid scope, or oidc-provider puts acr and amr in an ID token only when the client asks for them.
      openid: ["sub", "acr", "amr"],
      email: ["email", "email_verified"],
      profile: ["name", "preferred_username"],
      groups: ["groups"],
    },
    // UniAuth puts the scope claims (groups, email_verified) in the ID token as well as userinfo.
    conformIdTokenClaims: false,
    subjectTypes: ["pairwise"],
    sectorIdentifierUriValidate: () => false,
    // UniAuth's pairwise sub: an HMAC of the user and the client_id, 64 hex characters.
    pairwiseIdentifier: (_ctx, accountId, client) =>
      createHmac("sha256", secrets.pairwiseSalt).update(`${client.clientId}:${accountId}`).digest("hex"),
    // UniAuth issues (and rotates) a refresh token without offline_access.
    issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
    rotateRefreshToken: () => !behaviour.refreshTokensNotRotated,
    ttl: {
      AccessToken: 3600,
      IdToken: 3600,
      AuthorizationCode: 600,
      RefreshToken: 30 * 24 * 3600,
      Interaction: 3600,
      Session: 14 * 24 * 3600,
      Grant: 30 * 24 * 3600,
    },
    features: {
      devInteractions: { enabled: false },
      backchannelLogout: { enabled: true },
      revocation: { enabled: true },
      introspection: { enabled: true },
      rpInitiatedLogout: {
        enabled: true,
        logoutSource: (ctx, form) => {
          // An app's sign-out (with id_token_hint) goes straight through, as at UniAuth; a bare visit asks first.
          const confirmed = ctx.oidc.params?.id_token_hint
            ? `<script>const f=document.getElementById("op.logoutForm");f.insertAdjacentHTML("beforeend",'<input type="hidden" name="logout" value="yes">');f.submit()</script>`
            : "";
          ctx.body = page(
            "Sign out",
            `<h1>Sign out of UniAuth?</h1><p>This ends your UniAuth session and signs you out of every app that uses it.</p>${form}
<button class="user" autofocus type="submit" form="op.logoutForm" value="yes" name="logout">Yes, sign me out</button>
<button class="link" type="submit" form="op.logoutForm">No, stay signed in</button>${confirmed}`,
          );
        },
        postLogoutSuccessSource: (ctx) => {
          ctx.body = messagePage("Signed out", "You are signed out of the local UniAuth.");
        },
      },
    },
    findAccount: (_ctx, id) => {
      const user = users.get(id);
      if (!user) return undefined;
      return {
        accountId: id,
        claims: (use: string) =>
          use === "id_token" && behaviour.claimsOnlyAtUserinfo
            ? { sub: id }
            : {
                sub: id,
                name: user.name,
                preferred_username: user.id,
                email: user.email,
                email_verified: user.email_verified,
                ...((use === "userinfo" || behaviour.groupsInIdToken) && { groups: user.groups }),
              },
      };
    },
    // A first-party stand-in: the user consents to every scope the client asks for.
    loadExistingGrant: async (ctx) => {
      const { Grant } = ctx.oidc.provider;
      const grant = new Grant({ clientId: ctx.oidc.client!.clientId, accountId: ctx.oidc.session!.accountId! });
      grant.addOIDCScope([...ctx.oidc.requestParamScopes].join(" "));
      await grant.save();
      return grant;
    },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    renderError: (ctx, out) => {
      ctx.type = "html";
      ctx.body = messagePage("UniAuth error", `${out.error}: ${out.error_description ?? ""}`);
    },
    // oidc-provider refuses to call loopback addresses; the app's back-channel URI is one, here only.
    fetch: async (url, init) => {
      const { dispatcher, ...options } = (init ?? {}) as RequestInit & { dispatcher?: unknown };
      const logoutToken = options.body instanceof URLSearchParams ? options.body.get("logout_token") : null;
      if (logoutToken && behaviour.logoutTokenTyp) {
        // The same claims, signed again under another `typ`, as a provider that stamps one type on every token would.
        const retyped = await new SignJWT(decodeJwt(logoutToken))
          .setProtectedHeader({ alg: "RS256", kid: secrets.jwk.kid, typ: behaviour.logoutTokenTyp })
          .sign(await importJWK(secrets.jwk, "RS256"));
        (options.body as URLSearchParams).set("logout_token", retyped);
        noteIssued(retyped);
      }
      noteIssued(logoutToken);
      return fetch(url, options);
    },
  };
}

const loginForm = z.object({
  user: z.string(),
  mfa: z.literal("yes").optional(),
  minutesAgo: z.preprocess((value) => value || "0", z.coerce.number().int().min(0).max(1440)),
});

async function handleInteraction(provider: Provider, users: UserStore, ctx: Context, uid: string, action?: string) {
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.uid !== uid) ctx.throw(400, "This sign-in request has expired; start again from the app.");
  if (ctx.method === "GET" && !action) {
    const client = await provider.Client.find(String(details.params.client_id));
    ctx.type = "html";
    const mfaRequested = String(details.params.acr_values ?? "").split(" ").includes(ACR.mfa);
    ctx.body = signInPage(uid, client?.clientName ?? "this app", users.all(), { mfaRequested });
    return;
  }
  if (ctx.method !== "POST" || !action) ctx.throw(405);
  const login = loginForm.safeParse(Object.fromEntries(new URLSearchParams(await readBody(ctx.req))));
  const user = login.success && users.get(login.data.user);
  if (action === "login" && !user) ctx.throw(400, "Unknown user, or minutes ago is not a whole number from 0 to 1440.");
  const result =
    action === "login" && user && login.success
      ? {
          login: {
            accountId: user.id,
            ...(login.data.mfa ? { acr: ACR.mfa, amr: ["pwd", "otp", "mfa"] } : { acr: ACR.pwd, amr: ["pwd"] }),
            // The ID token's auth_time: a sign-in "minutes ago" lets a developer try step-up without waiting.
            ts: Math.floor(Date.now() / 1000) - login.data.minutesAgo * 60,
          },
        }
      : { error: "access_denied", error_description: "The user cancelled the sign-in." };
  ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false }));
  ctx.status = 303;
}

const refreshTokensRequest = z.strictObject({ user: z.string(), count: z.number().int().min(1).max(10_000) });

/**
 * PUT /dev/refresh-tokens { user, count }: `count` grants of a seeded user to the app, each with its refresh token,
 * as if the user had signed in to the app that many times just now (the scope it asks for, no UniAuth session
 * behind them). For a load test that writes its sessions straight into the app's database: every one of them can
 * then refresh, and rotate, like a session signed in for real.
 */
async function mintRefreshTokens(provider: Provider, users: UserStore, ctx: Context, body: unknown) {
  const parsed = refreshTokensRequest.safeParse(body);
  if (!parsed.success || !users.get(parsed.data.user)) return ctx.throw(400, "Send { user: a seeded user's id, count: 1 to 10000 }.");
  const { user: accountId, count } = parsed.data;
  const client = await provider.Client.find(LOCAL_CLIENT.id);
  if (!client) return ctx.throw(500, "The app's client is not registered.");
  const scope = "openid profile email groups";
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    const grant = new provider.Grant({ clientId: LOCAL_CLIENT.id, accountId });
    grant.addOIDCScope(scope);
    const grantId = await grant.save();
    const refreshToken = new provider.RefreshToken({ client, accountId, grantId, scope, gty: "authorization_code", authTime: Math.floor(Date.now() / 1000) });
    tokens.push(await refreshToken.save());
  }
  ctx.body = tokens;
}

/** Development hooks: read the OAuth call log or the tokens issued, change a user's groups, flip the Behaviour switches (/dev/offline is above). */
async function handleDev(users: UserStore, behaviour: Behaviour, log: { events: UniAuthEvent[]; issued: string[] }, ctx: Context) {
  if (ctx.method === "GET" && ctx.path === "/dev/events") {
    ctx.body = log.events;
    return;
  }
  if (ctx.method === "GET" && ctx.path === "/dev/issued-tokens") {
    ctx.body = log.issued;
    return;
  }
  if (ctx.method !== "PUT") ctx.throw(404);
  const body = await readJson(ctx.req);
  const apply = <T>(schema: z.ZodType<T>, set: (value: T) => void) => {
    const parsed = schema.safeParse(body);
    if (parsed.success) set(parsed.data);
    return parsed.success;
  };
  const switches: Record<string, () => boolean> = {
    "/dev/token-endpoint-status": () => apply(z.number().int().min(400).max(599).nullable(), (value) => (behaviour.tokenEndpointStatus = value)),
    "/dev/token-endpoint-delay": () => apply(z.number().int().min(0).max(10_000), (value) => (behaviour.tokenEndpointDelayMs = value)),
    "/dev/discovery-status": () => apply(z.number().int().min(500).max(599).nullable(), (value) => (behaviour.discoveryStatus = value)),
    "/dev/authorize-status": () => apply(z.number().int().min(500).max(599).nullable(), (value) => (behaviour.authorizeStatus = value)),
    "/dev/groups-in-id-token": () => apply(z.boolean(), (value) => (behaviour.groupsInIdToken = value)),
    "/dev/delay": () => apply(z.number().int().min(0).max(30_000), (value) => (behaviour.delayMs = value)),
    "/dev/quirks": () =>
      apply(
        z.strictObject({
          claimsOnlyAtUserinfo: z.boolean().optional(),
          maxAgeZeroIgnored: z.boolean().optional(),
          logoutTokenTyp: z.string().min(1).nullable().optional(),
          noScopeInTokenResponse: z.boolean().optional(),
          refreshTokensNotRotated: z.boolean().optional(),
          basicCredentialsUndecoded: z.boolean().optional(),
          backchannelLogoutAdvertised: z.boolean().optional(),
        }),
        (quirks) => Object.assign(behaviour, quirks),
      ),
    "/dev/reset": () => (Object.assign(behaviour, defaultBehaviour()), true),
  };
  const groups = /^\/dev\/users\/([\w-]+)\/groups$/.exec(ctx.path);
  if (groups) {
    const user = apply(z.array(z.string()), (value) => users.setGroups(groups[1]!, value)) && users.get(groups[1]!);
    if (!user) ctx.throw(400, "Send a JSON array of group names for a seeded user.");
    ctx.body = user;
    return;
  }
  const flip = switches[ctx.path];
  if (!flip) ctx.throw(404);
  if (!flip()) ctx.throw(400, "That value does not fit this switch.");
  ctx.body = behaviour;
}

function recordOAuthCall(ctx: Context & Partial<Pick<KoaContextWithOIDC, "oidc">>, query: Context["query"], record: RecordEvent, noteIssued: NoteIssued) {
  const params = ctx.oidc?.params ?? {};
  const status = ctx.status;
  switch (ctx.path) {
    case ROUTES.authorization: {
      const { client_id, redirect_uri, scope, state, nonce, code_challenge, code_challenge_method, response_type, acr_values } = params;
      // As the app sent it: oidc-provider turns max_age=0 into prompt=login.
      const { max_age, prompt } = query;
      record("authorize", { status, client_id, redirect_uri, scope, state, nonce, code_challenge, code_challenge_method, response_type, max_age, prompt, acr_values });
      break;
    }
    case ROUTES.token: {
      const body = (ctx.body ?? {}) as { [key: string]: unknown };
      record("token", { status, grant_type: params.grant_type, ...(status >= 400 && { error: body.error_description ?? body.error }) });
      noteIssued(params.code, params.refresh_token, body.access_token, body.id_token, body.refresh_token);
      break;
    }
    case ROUTES.userinfo:
      record("userinfo", { status });
      break;
    case ROUTES.jwks:
      record("jwks", { status });
      break;
    case DISCOVERY_PATH:
      record("discovery", { status });
      break;
    case ROUTES.end_session:
      record("end_session", { status, method: ctx.method });
      break;
    case ROUTES.revocation:
      record("revocation", { status });
      break;
  }
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  try {
    return JSON.parse(await readBody(req));
  } catch {
    return undefined;
  }
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
      if (body.length > 10_000) req.destroy(new Error("Body too large."));
    });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

async function loadSecrets(stateDir?: string): Promise<Secrets> {
  if (!stateDir) return generateSecrets();
  const file = path.join(stateDir, "secrets.json");
  try {
    return JSON.parse(await readFile(file, "utf8")) as Secrets;
  } catch {
    const secrets = await generateSecrets();
    await mkdir(stateDir, { recursive: true });
    await writeFile(file, JSON.stringify(secrets), { mode: 0o600 });
    return secrets;
  }
}

async function generateSecrets(): Promise<Secrets> {
  const rsa = await generateKeyPair("RS256", { modulusLength: 2048, extractable: true });
  const ec = await generateKeyPair("ES256", { extractable: true });
  return {
    jwk: { ...(await exportJWK(rsa.privateKey)), kid: randomBytes(8).toString("hex"), alg: "RS256", use: "sig" },
    ecJwk: { ...(await exportJWK(ec.privateKey)), kid: randomBytes(8).toString("hex"), alg: "ES256", use: "sig" },
    cookieKeys: [randomBytes(32).toString("base64url")],
    pairwiseSalt: randomBytes(32).toString("base64url"),
  };
}
