import { endAllSessions, expect, sessionsOf, signInOverHttp, test } from "./fixtures";

test("the dashboard lists both browsers; ending the other one signs it out", async ({ newBrowser, db }) => {
  await endAllSessions(db, "mia@example.com");
  const laptop = await newBrowser({ userAgent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36" });
  const phone = await newBrowser({ userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1" });
  await signInOverHttp(laptop, "member");
  await signInOverHttp(phone, "member");
  await laptop.reload();

  const rows = laptop.getByRole("region", { name: "Your sessions" }).getByRole("row");
  await expect(rows).toHaveCount(3);
  await expect(rows.nth(1)).toContainText("Chrome on Linux");
  await expect(rows.nth(1)).toContainText("this device");
  await expect(rows.nth(2)).toContainText("Safari on iOS");

  await rows.nth(2).getByRole("button", { name: "Sign out this session" }).click();
  await expect(laptop.getByRole("status")).toHaveText("The session was signed out.");
  await expect(rows).toHaveCount(2);

  await phone.goto("/dashboard");
  await expect(phone).toHaveURL(/\/signin\?reason=session-ended/);
  await laptop.goto("/dashboard");
  await expect(laptop.getByRole("heading", { name: "Welcome, Mia Member" })).toBeVisible();
});

test("a member cannot end someone else's session by forging the form", async ({ newBrowser, db }) => {
  const staff = await newBrowser();
  const member = await newBrowser();
  await signInOverHttp(staff, "staff");
  const victim = (await sessionsOf(db, "sam@example.com")).at(-1)!;
  await signInOverHttp(member, "member");
  await signInOverHttp(await newBrowser(), "member");
  await member.reload();

  const form = member.getByRole("region", { name: "Your sessions" }).locator("form").filter({ has: member.locator('input[name="sessionId"]') }).first();
  await form.locator('input[name="sessionId"]').evaluate((input, id) => ((input as HTMLInputElement).value = id), victim.id);
  await form.getByRole("button", { name: "Sign out this session" }).click();
  await expect(member.getByRole("status")).toHaveText("That session could not be found. It may have ended already.");

  expect((await sessionsOf(db, "sam@example.com")).map((session) => session.id)).toContain(victim.id);
  await staff.goto("/dashboard");
  await expect(staff.getByRole("heading", { name: "Welcome, Sam Staff" })).toBeVisible();
});

test("a superuser ends all sessions of a user from /admin", async ({ newBrowser, db }) => {
  const member = await newBrowser();
  const admin = await newBrowser();
  await signInOverHttp(member, "member");
  await signInOverHttp(admin, "admin");
  await admin.goto("/admin");
  await admin.getByRole("button", { name: "End all sessions of mia@example.com" }).click();
  await expect(admin.getByRole("button", { name: "End all sessions of mia@example.com" })).toHaveCount(0);

  expect(await sessionsOf(db, "mia@example.com")).toEqual([]);
  await member.goto("/dashboard");
  await expect(member).toHaveURL(/\/signin\?reason=session-ended/);
});
