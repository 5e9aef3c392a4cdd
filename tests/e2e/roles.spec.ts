import { localUniAuth } from "../support/uniauth";
import { expect, signInOverHttp, test } from "./fixtures";

test("roles follow the groups at UniAuth on the next sign-in", async ({ newBrowser }) => {
  // Two browsers: the first signs in as staff, the second after the demotion.
  const first = await newBrowser();
  const second = await newBrowser();
  try {
    await localUniAuth.setGroups("member", ["staff"]);
    await signInOverHttp(first, "member");
    await expect(first.getByRole("banner").getByRole("link", { name: "Admin" })).toBeVisible();
    expect((await first.goto("/admin"))?.status()).toBe(200);

    await localUniAuth.setGroups("member", []);
    await signInOverHttp(second, "member");
    expect((await second.goto("/admin"))?.status()).toBe(403);
    // The older session reads the user's current roles too: the demotion reaches it on its next request.
    expect((await first.goto("/admin"))?.status()).toBe(403);
  } finally {
    await localUniAuth.setGroups("member", []);
  }
});

test("groups missing from the ID token are fetched from userinfo, once", async ({ page }) => {
  const since = Date.now();
  await localUniAuth.setGroupsInIdToken(false);
  try {
    await signInOverHttp(page, "admin");
  } finally {
    await localUniAuth.setGroupsInIdToken(true);
  }
  await expect(page.getByRole("main")).toContainText("superuser, staff");
  const calls = (await localUniAuth.events(since)).map((event) => event.type);
  expect(calls.filter((type) => type === "userinfo")).toHaveLength(1);
  expect(calls.filter((type) => type === "token")).toHaveLength(1);
});
