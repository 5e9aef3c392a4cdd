import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { testEnv } from "../support/env";
import { expect, signInOverHttp, storedTokens, test } from "./fixtures";

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

test("the production build's browser assets hold no server secret", async () => {
  const secrets = { AUTH_SECRET: testEnv("AUTH_SECRET"), UNIAUTH_CLIENT_SECRET: testEnv("UNIAUTH_CLIENT_SECRET"), CRON_SECRET: testEnv("CRON_SECRET") };
  for (const [name, value] of Object.entries(secrets)) expect(value?.length, `${name} is set for this build`).toBeGreaterThanOrEqual(16);
  const files = await filesUnder(".next/static");
  expect(files.filter((file) => file.endsWith(".js")).length, "the scan reads the built scripts").toBeGreaterThan(5);
  for (const file of files) {
    const text = await readFile(file, "utf8");
    for (const [name, value] of Object.entries(secrets)) expect(text.includes(value), `${name} in ${file}`).toBe(false);
  }
});

test("the dashboard and admin pages, HTML and RSC, hold none of the session's tokens", async ({ page, db }) => {
  await signInOverHttp(page, "admin");
  const { rows } = await db.query<{ id: string; idToken: string; accessToken: string; refreshToken: string }>(
    `select s.id, s."idToken", s."accessToken", s."refreshToken" from "Session" s join "User" u on u.id = s."userId"
     where u.email = 'ada@example.com' order by s."createdAt" desc limit 1`,
  );
  const { id, ...stored } = rows[0]!;
  const tokens = (["idToken", "accessToken", "refreshToken"] as const).map((column) => [column, storedTokens.decrypt(id, column, stored[column])] as const);
  for (const [name, value] of tokens) expect(value, `${name} is stored for this session`).toBeTruthy();
  for (const path of ["/dashboard", "/admin"]) {
    for (const variant of [{}, { RSC: "1" }] as Record<string, string>[]) {
      const response = await page.request.get(path, { headers: variant });
      expect(response.status()).toBe(200);
      const body = await response.text();
      expect(body).toContain("Ada Admin");
      // Every part of a JWT (header, claims, signature) and the whole of an opaque token.
      for (const [name, value] of tokens) for (const part of value.split(".")) expect(body.includes(part), `${name} in ${path} ${JSON.stringify(variant)}`).toBe(false);
    }
  }
});
