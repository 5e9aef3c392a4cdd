import { createPublicKey, randomBytes } from "node:crypto";
import { SignJWT, UnsecuredJWT, exportJWK, generateKeyPair } from "jose";
import { afterAll, beforeEach, describe, expect, it, vi } from "vitest";
import { POST } from "@/app/api/auth/backchannel-logout/route";
import { recordSignIn } from "@/lib/auth/core/session/sign-in";
import { db } from "@/lib/db";
import { pool } from "@/lib/db"; // feature:audit-trail
import { trailMark, trailSince } from "../support/audit-trail"; // feature:audit-trail
import { testEnv } from "../support/env";
import { importWithEnv, unreachableDatabaseUrl } from "../support/fresh-import";
import { BACKCHANNEL_LOGOUT_EVENT, logoutClaims, mintLogoutToken, uniauthKeys } from "../support/logout-token";

const URL_PATH = "http://localhost/api/auth/backchannel-logout";
const FORM = "application/x-www-form-urlencoded";

function post(body: string | URLSearchParams, contentType: string | null = FORM): Promise<Response> {
  const headers = contentType ? { "content-type": contentType } : undefined;
  return POST(new Request(URL_PATH, { method: "POST", body: body.toString(), headers }));
}
const postToken = (token: string) => post(new URLSearchParams({ logout_token: token }));

interface Person {
  sub: string;
  userId: string;
  sessions: { id: string; sid: string }[];
}

async function signedInPerson(sessions: number): Promise<Person> {
  const sub = randomBytes(32).toString("hex");
  const email = `${sub.slice(0, 12)}@example.com`;
  const created = [];
  for (let i = 0; i < sessions; i++) {
    const sid = randomBytes(12).toString("hex");
    const session = await recordSignIn({
      claims: { sub, email, email_verified: true, groups: [], sid },
      tokens: { id_token: "id", refresh_token: "refresh" },
      userAgent: null,
    });
    created.push({ id: session.id, sid, userId: session.user.id });
  }
  return { sub, userId: created[0]!.userId, sessions: created.map(({ id, sid }) => ({ id, sid })) };
}

const allSessionIds = async () => (await db.session.findMany({ select: { id: true }, orderBy: { id: "asc" } })).map((s) => s.id);
const rememberedTokenIds = () => db.logoutTokenJti.count();

async function expectRejected(response: Response, description?: RegExp) {
  expect(response.status).toBe(400);
  expect(response.headers.get("cache-control")).toBe("no-store");
  const body = await response.json();
  expect(body.error).toBe("invalid_request");
  if (description) expect(body.error_description).toMatch(description);
}

let alice: Person;
let bob: Person;

beforeEach(async () => {
  alice = await signedInPerson(3);
  bob = await signedInPerson(1);
});

afterAll(() => db.$disconnect());

describe("back-channel logout: invalid requests are refused with 400 and touch no row", () => {
  const hs256WithPublicKey = async () => {
    const { rsa } = uniauthKeys();
    const publicPem = createPublicKey({ key: rsa as import("node:crypto").JsonWebKey, format: "jwk" }).export({ type: "spki", format: "pem" });
    return new SignJWT(logoutClaims({ sid: alice.sessions[0]!.sid }))
      .setProtectedHeader({ alg: "HS256", kid: rsa.kid, typ: "logout+jwt" })
      .sign(new TextEncoder().encode(String(publicPem)));
  };
  const otherKey = async (kid?: string) => {
    const { privateKey } = await generateKeyPair("RS256", { extractable: true });
    return { ...(await exportJWK(privateKey)), alg: "RS256", kid: kid ?? "unknown-kid" };
  };
  const sid = () => ({ sid: alice.sessions[0]!.sid });
  const tokenWith = (overrides: Record<string, unknown>) => mintLogoutToken(logoutClaims({ ...sid(), ...overrides }));
  const now = () => Math.floor(Date.now() / 1000);

  const cases: [string, () => Promise<Response>, RegExp?][] = [
    ["a JSON body", async () => post(JSON.stringify({ logout_token: await tokenWith({}) }), "application/json"), /x-www-form-urlencoded/],
    ["a text/plain body", async () => post(`logout_token=${await tokenWith({})}`, "text/plain"), /x-www-form-urlencoded/],
    ["no content type", async () => post(`logout_token=${await tokenWith({})}`, null), /x-www-form-urlencoded/],
    ["multipart form data", async () => post(`logout_token=${await tokenWith({})}`, "multipart/form-data; boundary=x")],
    ["two logout_token fields", async () => post(`logout_token=${await tokenWith({})}&logout_token=${await tokenWith({})}`), /exactly one/],
    ["an oversized body", async () => post(`logout_token=${await tokenWith({})}&pad=${"a".repeat(20_000)}`), /at most/],
    ["an empty body", () => post(""), /exactly one/],
    ["an empty logout_token", () => post("logout_token="), /exactly one/],
    ["a token that is not a JWT", () => postToken("not-a-jwt")],
    ["a five-part (encrypted) token", () => postToken("a.b.c.d.e")],
    ["alg none", () => postToken(new UnsecuredJWT(logoutClaims(sid())).encode())],
    ["HS256 signed with UniAuth's public key", async () => postToken(await hs256WithPublicKey())],
    ["another RSA key with UniAuth's kid", async () => postToken(await mintLogoutToken(logoutClaims(sid()), { key: await otherKey(uniauthKeys().rsa.kid) }))],
    ["another RSA key with an unknown kid", async () => postToken(await mintLogoutToken(logoutClaims(sid()), { key: await otherKey() }))],
    ["ES256 signed with the EC key UniAuth publishes but does not sign with", async () => postToken(await mintLogoutToken(logoutClaims(sid()), { key: uniauthKeys().ec }))],
    ["a tampered payload", async () => {
      const [header, , signature] = (await tokenWith({})).split(".");
      const payload = Buffer.from(JSON.stringify(logoutClaims({ sub: bob.sub }))).toString("base64url");
      return postToken(`${header}.${payload}.${signature}`);
    }],
    ["a tampered signature", async () => postToken(`${(await tokenWith({})).slice(0, -4)}AAAA`)],
    ["an expired token", () => tokenWith({ iat: now() - 240, exp: now() - 120 }).then(postToken), /exp/],
    ["iat in the future", () => tokenWith({ iat: now() + 300, exp: now() + 420 }).then(postToken), /iat/],
    ["a token older than the age bound", () => tokenWith({ iat: now() - 3600, exp: now() + 120 }).then(postToken), /iat/],
    ["no iat", () => tokenWith({ iat: undefined }).then(postToken), /iat/],
    ["no exp", () => tokenWith({ exp: undefined }).then(postToken), /exp/],
    ["no jti", () => tokenWith({ jti: undefined }).then(postToken), /jti/],
    ["typ at+jwt", async () => postToken(await mintLogoutToken(logoutClaims(sid()), { header: { typ: "at+jwt" } })), /typ/],
    ["typ id_token+jwt", async () => postToken(await mintLogoutToken(logoutClaims(sid()), { header: { typ: "id_token+jwt" } })), /typ/],
    ["typ secevent+jwt", async () => postToken(await mintLogoutToken(logoutClaims(sid()), { header: { typ: "secevent+jwt" } })), /typ/],
    ["typ application/jwt", async () => postToken(await mintLogoutToken(logoutClaims(sid()), { header: { typ: "application/jwt" } })), /typ/],
    ["another issuer", () => tokenWith({ iss: "https://uniauth.example" }).then(postToken), /iss/],
    ["another audience", () => tokenWith({ aud: "uni_someoneelse" }).then(postToken), /aud/],
    ["several audiences and no azp", () => tokenWith({ aud: [testEnv("UNIAUTH_CLIENT_ID"), "other"] }).then(postToken), /azp/],
    ["several audiences and another azp", () => tokenWith({ aud: [testEnv("UNIAUTH_CLIENT_ID"), "other"], azp: "other" }).then(postToken), /azp/],
    ["no events", () => tokenWith({ events: undefined }).then(postToken)],
    ["only another event", () => tokenWith({ events: { "https://example.com/other-event": {} } }).then(postToken), /events/],
    ["an event value that is not an object", () => tokenWith({ events: { [BACKCHANNEL_LOGOUT_EVENT]: "yes" } }).then(postToken), /events/],
    ["events as an array", () => tokenWith({ events: [BACKCHANNEL_LOGOUT_EVENT] }).then(postToken)],
    ["a nonce", () => tokenWith({ nonce: "n-0S6_WzA2Mj" }).then(postToken), /nonce/],
    ["neither sid nor sub", () => mintLogoutToken(logoutClaims()).then(postToken), /sid or sub/],
    ["a non-string sid", () => tokenWith({ sid: 1234 }).then(postToken)],
    ["a non-string sub", () => mintLogoutToken(logoutClaims({ sub: ["x"] })).then(postToken)],
    ["an empty sid", () => tokenWith({ sid: "" }).then(postToken)],
  ];

  it("has at least 30 invalid cases", () => expect(cases.length).toBeGreaterThanOrEqual(30));

  it.each(cases)("refuses %s: one auth event, no session or token id touched", async (_name, send, description) => {
    const [sessions, tokenIds] = [await allSessionIds(), await rememberedTokenIds()];
    const mark = await trailMark(pool); // feature:audit-trail
    await expectRejected(await send(), description);
    expect(await allSessionIds()).toEqual(sessions);
    expect(await rememberedTokenIds()).toBe(tokenIds);
    expect(await trailSince(pool, mark)).toEqual([{ kind: "logout.backchannel.rejected", userId: null, actorUserId: null, sessionId: null, detail: { reason: expect.stringMatching(/^invalid_request: /) } }]); // feature:audit-trail
  });

  it("a flood of unknown kids makes the app re-fetch UniAuth's keys at most once", async () => {
    const since = Date.now();
    // One key (RSA key generation is slow), a new kid for every token: the kid is what sends jose to the JWKS.
    const key = await otherKey();
    for (let i = 0; i < 20; i++) {
      const token = await mintLogoutToken(logoutClaims(sid()), { key: { ...key, kid: `unknown-${i}` } });
      await expectRejected(await postToken(token));
    }
    const response = await fetch(`${testEnv("UNIAUTH_ISSUER")}/dev/events`);
    const fetches = ((await response.json()) as { at: number; type: string }[]).filter((event) => event.at >= since && event.type === "jwks");
    expect(fetches.length).toBeLessThanOrEqual(1);
  });

  it("refuses a replayed jti, whatever the first use did", async () => {
    const token = await mintLogoutToken(logoutClaims({ sid: "no-such-session" }));
    expect((await postToken(token)).status).toBe(200);
    const before = await allSessionIds();
    await expectRejected(await postToken(token), /already used/);
    const replayWithOtherTarget = await mintLogoutToken(logoutClaims({ jti: JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()).jti, sub: alice.sub }));
    await expectRejected(await postToken(replayWithOtherTarget), /already used/);
    expect(await allSessionIds()).toEqual(before);
  });
});

describe("back-channel logout: valid tokens end exactly the matching sessions", () => {
  const remaining = async (person: Person) => (await db.session.findMany({ where: { userId: person.userId }, select: { sid: true } })).map((s) => s.sid);

  async function expectOk(token: string) {
    const response = await postToken(token);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe("no-store");
  }

  it("sid only: ends that one of the user's three sessions", async () => {
    await expectOk(await mintLogoutToken(logoutClaims({ sid: alice.sessions[1]!.sid })));
    expect(await remaining(alice)).toEqual([alice.sessions[0]!.sid, alice.sessions[2]!.sid]);
    expect(await remaining(bob)).toHaveLength(1);
  });

  it("sub only: ends every session of that user and nobody else's", async () => {
    await expectOk(await mintLogoutToken(logoutClaims({ sub: alice.sub })));
    expect(await remaining(alice)).toEqual([]);
    expect(await remaining(bob)).toHaveLength(1);
  });

  it("sid and sub: ends the session only when both match", async () => {
    await expectOk(await mintLogoutToken(logoutClaims({ sid: alice.sessions[0]!.sid, sub: bob.sub })));
    expect(await remaining(alice)).toHaveLength(3);
    await expectOk(await mintLogoutToken(logoutClaims({ sid: alice.sessions[0]!.sid, sub: alice.sub })));
    expect(await remaining(alice)).toEqual([alice.sessions[1]!.sid, alice.sessions[2]!.sid]);
  });

  it("a sub-only token issued before a new sign-in leaves the newer session alive", async () => {
    const issuedAt = Math.floor(Date.now() / 1000) - 60;
    await db.session.updateMany({ where: { userId: alice.userId }, data: { createdAt: new Date((issuedAt - 60) * 1000) } });
    const newer = await recordSignIn({
      claims: { sub: alice.sub, email: `${alice.sub.slice(0, 12)}@example.com`, email_verified: true, groups: [], sid: "after-logout" },
      tokens: {},
      userAgent: null,
    });
    await expectOk(await mintLogoutToken(logoutClaims({ sub: alice.sub, iat: issuedAt, exp: issuedAt + 120 })));
    expect(await remaining(alice)).toEqual(["after-logout"]);
    expect(newer.user.id).toBe(alice.userId);
  });

  it("logs one line per logout (and stores it in the audit trail): the user and how many sessions ended, or why the token was refused, never the token", async () => {
    const log = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    const mark = await trailMark(pool); // feature:audit-trail
    try {
      const token = await mintLogoutToken(logoutClaims({ sub: alice.sub }));
      await expectOk(token);
      await expectRejected(await postToken(token));
      const lines = log.mock.calls.map(([line]) => String(line));
      expect(lines.map((line) => JSON.parse(line))).toEqual([
        { event: "logout.backchannel", at: expect.any(String), userId: alice.userId, sessionsEnded: 3 },
        { event: "logout.backchannel.rejected", at: expect.any(String), reason: "invalid_request: this logout token (jti) was already used" },
      ]);
      // feature:audit-trail begin
      expect(await trailSince(pool, mark)).toEqual([
        { kind: "logout.backchannel", userId: alice.userId, actorUserId: null, sessionId: null, detail: { sessionsEnded: 3 } },
        { kind: "logout.backchannel.rejected", userId: null, actorUserId: null, sessionId: null, detail: { reason: "invalid_request: this logout token (jti) was already used" } },
      ]);
      // feature:audit-trail end
      for (const part of token.split(".").slice(1)) {
        expect(lines.join("\n")).not.toContain(part);
        expect(JSON.stringify(await trailSince(pool, mark))).not.toContain(part); // feature:audit-trail
      }
    } finally {
      log.mockRestore();
    }
  });

  it("no matching session is still a success", async () => {
    await expectOk(await mintLogoutToken(logoutClaims({ sid: "unknown-sid", sub: "unknown-sub" })));
  });

  it("accepts what the conformance suite sends: no typ, aud as a string, unknown claims, extra form fields", async () => {
    const token = await mintLogoutToken(logoutClaims({ sid: alice.sessions[2]!.sid, something: "else" }), { header: { typ: undefined } });
    const response = await post(new URLSearchParams({ logout_token: token, state: "extra" }));
    expect(response.status).toBe(200);
    expect(await remaining(alice)).toHaveLength(2);
  });

  // Explicit typing is only a SHOULD, and many providers stamp a generic JWT on every token they sign: the `events`
  // claim and the absent nonce keep ID tokens out (Back-Channel Logout 1.0 §2.4).
  it.each(["JWT", "jwt", "Logout+JWT", "APPLICATION/LOGOUT+JWT"])("accepts typ %s, whatever its case", async (typ) => {
    await expectOk(await mintLogoutToken(logoutClaims({ sid: alice.sessions[1]!.sid }), { header: { typ } }));
    expect(await remaining(alice)).toHaveLength(2);
  });

  it("accepts typ application/logout+jwt and several audiences with azp", async () => {
    const token = await mintLogoutToken(
      logoutClaims({ sid: alice.sessions[0]!.sid, aud: [testEnv("UNIAUTH_CLIENT_ID"), "other"], azp: testEnv("UNIAUTH_CLIENT_ID") }),
      { header: { typ: "application/logout+jwt" } },
    );
    await expectOk(token);
    expect(await remaining(alice)).toHaveLength(2);
  });
});

describe("back-channel logout: UNIAUTH_LOGOUT_TOKEN_OPTIONAL relaxes one claim, and only that one", () => {
  const routeWith = async (optional: string) =>
    (await importWithEnv(() => import("@/app/api/auth/backchannel-logout/route"), { UNIAUTH_LOGOUT_TOKEN_OPTIONAL: optional })).POST;
  const send = (route: typeof POST, token: string) =>
    route(new Request(URL_PATH, { method: "POST", body: `logout_token=${token}`, headers: { "content-type": FORM } }));

  it("jti: a token without one is accepted once, and its replay is still refused (by its digest)", async () => {
    const route = await routeWith("jti");
    const token = await mintLogoutToken(logoutClaims({ sid: alice.sessions[0]!.sid, jti: undefined }));
    expect((await send(route, token)).status).toBe(200);
    expect((await send(route, token)).status).toBe(400);
    const noExp = await mintLogoutToken(logoutClaims({ sid: alice.sessions[1]!.sid, jti: undefined, exp: undefined }));
    expect((await send(route, noExp)).status).toBe(400);
    expect(await db.session.count({ where: { userId: alice.userId } })).toBe(2);
  });

  it("exp: a token without one is accepted while young, and refused once older than the age bound", async () => {
    const route = await routeWith("exp");
    const now = Math.floor(Date.now() / 1000);
    expect((await send(route, await mintLogoutToken(logoutClaims({ sid: alice.sessions[0]!.sid, exp: undefined })))).status).toBe(200);
    const old = await mintLogoutToken(logoutClaims({ sid: alice.sessions[1]!.sid, exp: undefined, iat: now - 3600 }));
    expect((await send(route, old)).status).toBe(400);
    expect(await db.session.count({ where: { userId: alice.userId } })).toBe(2);
  });
});

describe("back-channel logout: when a dependency is down the answer is 503, so UniAuth may retry", () => {
  const routeWith = async (overrides: Record<string, string>) =>
    (await importWithEnv(() => import("@/app/api/auth/backchannel-logout/route"), overrides)).POST;

  it("UniAuth unreachable (discovery and keys)", async () => {
    const post503 = await routeWith({ UNIAUTH_ISSUER: "http://localhost:9" });
    const token = await mintLogoutToken(logoutClaims({ iss: "http://localhost:9", sub: alice.sub }));
    const response = await post503(new Request(URL_PATH, { method: "POST", body: `logout_token=${token}`, headers: { "content-type": FORM } }));
    expect(response.status).toBe(503);
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await allSessionIds()).toContain(alice.sessions[0]!.id);
  });

  it("the database unreachable", async () => {
    const post503 = await routeWith({ DATABASE_URL: unreachableDatabaseUrl(testEnv("DATABASE_URL")) });
    const token = await mintLogoutToken(logoutClaims({ sub: alice.sub }));
    const response = await post503(new Request(URL_PATH, { method: "POST", body: `logout_token=${token}`, headers: { "content-type": FORM } }));
    expect(response.status).toBe(503);
    expect((await response.json()).error).toBe("service_unavailable");
    expect(await allSessionIds()).toContain(alice.sessions[0]!.id);
  });
});
