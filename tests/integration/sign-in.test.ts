import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import type { UniAuthClaims } from "@/lib/auth/core/uniauth/claims";
import { endSession, findActiveSession, sessionTokens, storedTokens } from "@/lib/auth/core/session/store";
import { emailBelongsToAnotherSubject, recordSignIn } from "@/lib/auth/core/session/sign-in";
import { db } from "@/lib/db";
import { testEnv } from "../support/env";

const tokens = { id_token: "id.token.jwt", access_token: "access", refresh_token: "refresh", expires_at: Math.floor(Date.now() / 1000) + 3600 };

function claims(overrides: Partial<UniAuthClaims> = {}): UniAuthClaims {
  const id = randomBytes(6).toString("hex");
  return { sub: randomBytes(32).toString("hex"), email: `${id}@example.com`, email_verified: true, name: `User ${id}`, groups: [], sid: `sid-${id}`, ...overrides };
}

afterAll(() => db.$disconnect());

describe("recordSignIn", () => {
  it("creates the user, the (issuer, sub) account and a Session row holding the tokens server-side", async () => {
    const signedIn = claims({ groups: ["staff", "engineering"] });
    const session = await recordSignIn({ claims: signedIn, tokens, userAgent: "Mozilla/5.0 Test" });

    expect(session.user).toMatchObject({ email: signedIn.email, groups: ["staff", "engineering"], isStaff: true, isSuperuser: false });
    expect(session.expiresAt.getTime() - session.createdAt.getTime()).toBeCloseTo(30 * 24 * 3600 * 1000, -4);
    const row = await db.session.findUniqueOrThrow({ where: { id: session.id }, include: { user: { include: { accounts: true } } } });
    expect(row).toMatchObject({ sid: signedIn.sid, userAgent: "Mozilla/5.0 Test" });
    for (const column of ["idToken", "accessToken", "refreshToken"] as const) {
      expect(row[column]).toMatch(/^v1\./);
      expect(storedTokens.isCurrent(row[column]!)).toBe(true);
    }
    expect(storedTokens.decrypt(session.id, "idToken", row.idToken!)).toBe("id.token.jwt");
    expect(storedTokens.decrypt(session.id, "accessToken", row.accessToken!)).toBe("access");
    expect(storedTokens.decrypt(session.id, "refreshToken", row.refreshToken!)).toBe("refresh");
    expect(await sessionTokens(session.id)).toEqual({ idToken: "id.token.jwt", refreshToken: "refresh" });
    expect(row.user.accounts).toEqual([
      expect.objectContaining({ provider: "uniauth", issuer: testEnv("UNIAUTH_ISSUER"), clientId: testEnv("UNIAUTH_CLIENT_ID"), providerAccountId: signedIn.sub }),
    ]);
    expect(row.user.lastSignInAt).toBeInstanceOf(Date);
  });

  it("re-derives roles from groups on every sign-in and adds a session each time", async () => {
    const first = claims({ groups: ["admin"] });
    const before = await recordSignIn({ claims: first, tokens, userAgent: null });
    expect(before.user).toMatchObject({ isStaff: true, isSuperuser: true });

    const after = await recordSignIn({ claims: { ...first, groups: [], name: "Renamed" }, tokens, userAgent: null });
    expect(after.user.id).toBe(before.user.id);
    expect(after.user).toMatchObject({ name: "Renamed", groups: [], isStaff: false, isSuperuser: false });
    expect(await db.session.count({ where: { userId: before.user.id } })).toBe(2);
    expect(await db.account.count({ where: { userId: before.user.id } })).toBe(1);
  });

  it("signs in a user new to the app from several tabs at once: one user, one account, a session each", async () => {
    const newcomer = claims();
    const sessions = await Promise.all(Array.from({ length: 4 }, () => recordSignIn({ claims: newcomer, tokens, userAgent: null })));
    expect(new Set(sessions.map((session) => session.user.id)).size).toBe(1);
    expect(new Set(sessions.map((session) => session.id)).size).toBe(4);
    expect(await db.account.count({ where: { providerAccountId: newcomer.sub } })).toBe(1);
  });

  it("joins a second pairwise sub with the same verified email to the same user", async () => {
    const first = claims();
    const a = await recordSignIn({ claims: first, tokens, userAgent: null });
    const b = await recordSignIn({ claims: { ...first, sub: randomBytes(32).toString("hex") }, tokens, userAgent: null });
    expect(b.user.id).toBe(a.user.id);
    expect(await db.account.count({ where: { userId: a.user.id } })).toBe(2);
  });
});

describe("emailBelongsToAnotherSubject", () => {
  it("is true only when the email's user is linked to another sub at this client", async () => {
    const signedIn = claims();
    expect(await emailBelongsToAnotherSubject(signedIn)).toBe(false);
    const { user } = await recordSignIn({ claims: signedIn, tokens, userAgent: null });
    expect(await emailBelongsToAnotherSubject(signedIn)).toBe(false);
    expect(await emailBelongsToAnotherSubject({ ...signedIn, sub: "another-person" })).toBe(true);

    // The same person through another client (another pairwise sub) may join by verified email.
    await db.account.updateMany({ where: { userId: user.id }, data: { clientId: "uni_another_client" } });
    expect(await emailBelongsToAnotherSubject({ ...signedIn, sub: "another-person" })).toBe(false);
  });
});

describe("findActiveSession", () => {
  it("returns the session with the user's current roles, and nothing once it ended or expired", async () => {
    const session = await recordSignIn({ claims: claims({ groups: ["staff"] }), tokens, userAgent: null });
    expect(await findActiveSession(session.id)).toMatchObject({ id: session.id, user: { isStaff: true } });
    // The hot path decrypts nothing: the refresh token comes back as stored.
    expect((await findActiveSession(session.id))!.refreshToken).toMatch(/^v1\./);

    await db.user.update({ where: { id: session.user.id }, data: { isStaff: false } });
    expect(await findActiveSession(session.id)).toMatchObject({ user: { isStaff: false } });

    await db.session.update({ where: { id: session.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await findActiveSession(session.id)).toBeNull();

    await endSession(session.id);
    expect(await db.session.findUnique({ where: { id: session.id } })).toBeNull();
    await expect(endSession(session.id)).resolves.toBeUndefined();
  });
});
