import { randomBytes } from "node:crypto";
import * as oauth from "oauth4webapi";
import { afterAll, describe, expect, it } from "vitest";
import { uniauthClaimsSchema } from "@/lib/auth/core/uniauth/claims";
import { checkSession } from "@/lib/auth/core/session/check";
import { refreshSession } from "@/lib/auth/core/session/refresh";
import { sessionTokens, storedTokens } from "@/lib/auth/core/session/store";
import { recordSignIn } from "@/lib/auth/core/session/sign-in";
import { TokenDecryptionError, createTokenCrypto } from "@/lib/auth/core/session/token-crypto";
import { db } from "@/lib/db";
import { testEnv } from "../support/env";
import { importWithEnv } from "../support/fresh-import";
import { localUniAuth } from "../support/uniauth";
import { grantFromLocalUniAuth } from "../support/uniauth-grant";

afterAll(() => db.$disconnect());

const COLUMNS = ["idToken", "accessToken", "refreshToken"] as const;

/** A real sign-in of Mia at the local UniAuth, recorded by the app (so encrypted under the test's AUTH_SECRET). */
async function signedInMember() {
  const grant = await grantFromLocalUniAuth("member");
  const claims = uniauthClaimsSchema.parse(oauth.getValidatedIdTokenClaims(grant));
  const session = await recordSignIn({
    claims,
    tokens: { ...grant, expires_at: Math.floor(Date.now() / 1000) + (grant.expires_in ?? 3600) },
    userAgent: "token-storage test",
  });
  return { session, grant };
}

const rowOf = (id: string) => db.session.findUniqueOrThrow({ where: { id } });

/** UniAuth's end-session endpoint, as a browser would visit it: its confirmation form when it accepts the hint, else 400. */
async function visitEndSession(url: URL) {
  const response = await fetch(url, { redirect: "manual" });
  return { status: response.status, body: await response.text() };
}

describe("tokens at rest", () => {
  it("a sign-in stores no token in the clear: each column holds a v1 ciphertext of what UniAuth issued", async () => {
    const { session, grant } = await signedInMember();
    const row = await rowOf(session.id);
    const raw = JSON.stringify(row);
    for (const column of COLUMNS) expect(row[column]).toMatch(/^v1\.[\w-]{8}\.[\w-]{16}\.[\w-]{22,}$/);
    for (const token of [grant.id_token!, grant.access_token, grant.refresh_token!]) {
      expect(raw).not.toContain(token);
      for (const part of token.split(".")) expect(raw).not.toContain(part);
    }
    expect(raw).not.toContain("mia@example.com");
    expect(storedTokens.decrypt(session.id, "refreshToken", row.refreshToken!)).toBe(grant.refresh_token);
    expect(storedTokens.decrypt(session.id, "idToken", row.idToken!)).toBe(grant.id_token);
    expect(storedTokens.decrypt(session.id, "accessToken", row.accessToken!)).toBe(grant.access_token);
  });

  it("after a rotation (new secret first, old second) the session still refreshes and signs out at UniAuth", async () => {
    const { session, grant } = await signedInMember();
    const oldOnly = createTokenCrypto([testEnv("AUTH_SECRET")]);
    const rotated = await importWithEnv(
      async () => ({
        env: (await import("@/lib/env")).env,
        refresh: await import("@/lib/auth/core/session/refresh"),
        sessions: await import("@/lib/auth/core/session/store"),
        endSession: await import("@/lib/auth/core/uniauth/end-session"),
        db: (await import("@/lib/db")).db,
      }),
      { AUTH_SECRET_1: randomBytes(33).toString("base64") },
    );
    try {
      expect(rotated.env.AUTH_SECRETS).toHaveLength(2);
      expect(rotated.env.AUTH_SECRETS[1]).toBe(testEnv("AUTH_SECRET"));

      const since = Date.now();
      expect(await rotated.refresh.refreshSession(await rowOf(session.id))).toBe("refreshed");
      expect((await localUniAuth.events(since)).filter((event) => event.type === "token")).toEqual([
        expect.objectContaining({ detail: { status: 200, grant_type: "refresh_token" } }),
      ]);

      // Everything written by the refresh is under the new secret, which the old configuration cannot read.
      const row = await rowOf(session.id);
      for (const column of COLUMNS) {
        expect(rotated.sessions.storedTokens.isCurrent(row[column]!)).toBe(true);
        expect(() => oldOnly.decrypt(session.id, column, row[column]!)).toThrow(TokenDecryptionError);
      }
      const tokens = (await rotated.sessions.sessionTokens(session.id))!;
      expect(tokens.refreshToken).not.toBe(grant.refresh_token);

      // Signing out: UniAuth accepts the decrypted ID token as id_token_hint, and the revoked refresh token is dead.
      const url = await rotated.endSession.endSessionUrl({ idToken: tokens.idToken, origin: testEnv("AUTH_URL"), state: "s" });
      expect(url!.searchParams.get("id_token_hint")).toBe(tokens.idToken);
      const visit = await visitEndSession(url!);
      expect(visit.status).toBe(200);
      expect(visit.body).toContain("/api/oauth/end-session/confirm");
      await rotated.endSession.revokeRefreshToken(tokens.refreshToken!);
      expect((await (await localUniAuth.useRefreshToken("token", tokens.refreshToken!)).json()).error).toBe("invalid_grant");
    } finally {
      await rotated.db.$disconnect();
    }
  });

  it("UniAuth refuses the stored (encrypted) value as a hint, so the acceptance above means something", async () => {
    const { session } = await signedInMember();
    const row = await rowOf(session.id);
    const url = (await (await import("@/lib/auth/core/uniauth/end-session")).endSessionUrl({ idToken: row.idToken, origin: testEnv("AUTH_URL"), state: "s" }))!;
    const visit = await visitEndSession(url);
    expect(visit.status).toBe(400);
    expect(visit.body).toContain("id_token_hint");
  });

  it("a row encrypted under a secret the app no longer has ends that session at its next refresh, without calling UniAuth", async () => {
    const { session } = await signedInMember();
    const removed = createTokenCrypto([randomBytes(33).toString("base64")]);
    await db.session.update({
      where: { id: session.id },
      data: Object.fromEntries(COLUMNS.map((column) => [column, removed.encrypt(session.id, column, "from another secret")])),
    });
    expect(await checkSession(session.id)).toMatchObject({ status: "signed-in", session: { id: session.id } });
    expect(await sessionTokens(session.id)).toEqual({ idToken: null, refreshToken: null });

    const since = Date.now();
    expect(await refreshSession(await rowOf(session.id))).toBe("ended");
    expect(await checkSession(session.id)).toEqual({ status: "signed-out" });
    expect(await db.session.findUnique({ where: { id: session.id } })).toBeNull();
    expect((await localUniAuth.events(since)).filter((event) => event.type === "token")).toEqual([]);
  });

  it("a ciphertext moved to another row or column does not decrypt there", async () => {
    const [{ session: a }, { session: b }] = [await signedInMember(), await signedInMember()];
    const rowA = await rowOf(a.id);
    await db.session.update({ where: { id: b.id }, data: { refreshToken: rowA.refreshToken, idToken: rowA.refreshToken } });
    expect(await sessionTokens(b.id)).toEqual({ idToken: null, refreshToken: null });
    expect(await refreshSession(await rowOf(b.id))).toBe("ended");
    expect(await checkSession(b.id)).toEqual({ status: "signed-out" });
    expect(await sessionTokens(a.id)).toMatchObject({ refreshToken: expect.any(String) });
  });

  it("a token stored in the clear is no token: the session ends at its next refresh, without calling UniAuth", async () => {
    const { session, grant } = await signedInMember();
    await db.session.update({ where: { id: session.id }, data: { idToken: grant.id_token!, refreshToken: grant.refresh_token! } });
    expect(await sessionTokens(session.id)).toEqual({ idToken: null, refreshToken: null });

    const since = Date.now();
    expect(await refreshSession(await rowOf(session.id))).toBe("ended");
    expect(await db.session.findUnique({ where: { id: session.id } })).toBeNull();
    // feature:audit-trail begin
    expect(await db.authEvent.findMany({ where: { sessionId: session.id, kind: "refresh.ended" }, select: { detail: true } })).toEqual([
      { detail: expect.objectContaining({ reason: "undecryptable_refresh_token: malformed" }) },
    ]);
    // feature:audit-trail end
    expect((await localUniAuth.events(since)).filter((event) => event.type === "token")).toEqual([]);
  });
});
