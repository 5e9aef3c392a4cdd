import { randomBytes } from "node:crypto";
import type pg from "pg";
import { createTokenCrypto } from "@/lib/auth/core/session/token-crypto";
import { localUniAuth } from "../support/uniauth";
import { endAllSessions, expect, makeRolesDue, sessionsOf, signInOverHttp, storedTokens, test } from "./fixtures";

const EMAIL = "mia@example.com";
const COLUMNS = ["idToken", "accessToken", "refreshToken"] as const;

async function writeTokens(db: pg.Pool, sessionId: string, tokens: Record<(typeof COLUMNS)[number], string | null>) {
  await db.query(`update "Session" set "idToken" = $2, "accessToken" = $3, "refreshToken" = $4 where id = $1`, [
    sessionId,
    tokens.idToken,
    tokens.accessToken,
    tokens.refreshToken,
  ]);
}

/** The row's tokens, decrypted. */
function plaintextOf(session: Awaited<ReturnType<typeof sessionsOf>>[number]) {
  const open = (column: (typeof COLUMNS)[number]) => storedTokens.decrypt(session.id, column, session.stored[column]!);
  return { idToken: open("idToken"), accessToken: open("accessToken"), refreshToken: open("refreshToken") };
}

test("after a sign-in the Session row holds only ciphertexts of UniAuth's tokens", async ({ page, db }) => {
  await endAllSessions(db, EMAIL);
  await signInOverHttp(page, "member");
  const [session] = await sessionsOf(db, EMAIL);
  const raw = JSON.stringify(session!.stored);
  for (const column of COLUMNS) expect(session!.stored[column]).toMatch(/^v1\.[\w-]{8}\.[\w-]{16}\.[\w-]{22,}$/);

  const tokens = plaintextOf(session!);
  for (const token of Object.values(tokens)) expect(raw).not.toContain(token);
  // The ID token UniAuth issued (it names the user) is inside, and not readable from the row.
  const idClaims = JSON.parse(Buffer.from(tokens.idToken.split(".")[1]!, "base64url").toString());
  expect(idClaims).toMatchObject({ email: EMAIL, name: "Mia Member" });
  expect(raw).not.toContain(EMAIL);
  expect(raw).not.toContain(tokens.idToken.split(".")[1]!);
});

test("a row encrypted under a secret the app no longer has signs that browser out cleanly at its next refresh", async ({ page, db }) => {
  await endAllSessions(db, EMAIL);
  await signInOverHttp(page, "member");
  const [session] = await sessionsOf(db, EMAIL);
  const removed = createTokenCrypto([randomBytes(33).toString("base64")]);
  const { idToken, accessToken, refreshToken } = plaintextOf(session!);
  await writeTokens(db, session!.id, {
    idToken: removed.encrypt(session!.id, "idToken", idToken),
    accessToken: removed.encrypt(session!.id, "accessToken", accessToken),
    refreshToken: removed.encrypt(session!.id, "refreshToken", refreshToken),
  });
  await makeRolesDue(db, session!.id);
  const since = Date.now();

  // That page view answers; its refresh, after the response, finds the token unreadable and ends the session.
  await page.goto("/dashboard");
  // Polled by id: reading the row as sessionsOf does would throw while it is still there (its tokens do not decrypt).
  await expect.poll(async () => (await db.query(`select 1 from "Session" where id = $1`, [session!.id])).rowCount).toBe(0);
  const response = await page.goto("/dashboard");
  expect(response?.status()).toBe(200);
  await expect(page).toHaveURL(/\/signin\?reason=session-ended/);
  expect(await sessionsOf(db, EMAIL)).toEqual([]);
  expect((await page.context().cookies()).filter((cookie) => cookie.name.includes("authjs.session-token"))).toEqual([]);
  expect((await localUniAuth.events(since)).filter((event) => event.type === "token")).toEqual([]);
});
