import { attemptSignIn, expect, signInOverHttp, test } from "./fixtures";

// The example resource (app/notes, app/api/notes, lib/data/notes.ts): a user's notes are theirs alone, through the
// page, the server actions and the API; anonymous callers get a sign-in page or a 401, never a note.

async function writeNote(page: import("@playwright/test").Page, title: string, body: string): Promise<string> {
  await page.goto("/notes");
  await page.getByLabel("Title", { exact: true }).fill(title);
  await page.getByLabel("Note", { exact: true }).fill(body);
  await page.getByRole("button", { name: "Save note" }).click();
  await expect(page.getByRole("status")).toHaveText(`Saved “${title}”.`);
  await page.getByRole("link", { name: title }).click();
  await expect(page.getByRole("heading", { name: title })).toBeVisible();
  return new URL(page.url()).pathname.split("/").pop()!;
}

test("a member writes, reads and deletes a note; the page's style prop and next/image work under the production CSP", async ({ page, policyViolations }) => {
  await signInOverHttp(page, "member");
  await page.getByRole("link", { name: "Notes" }).click();
  await expect(page.getByRole("heading", { name: "Your notes" })).toBeVisible();

  await test.step("an empty title is refused with the field's error, and nothing is saved", async () => {
    await page.getByLabel("Title", { exact: true }).fill("   ");
    await page.getByRole("button", { name: "Save note" }).click();
    await expect(page.getByText("Give the note a title.")).toBeVisible();
    await expect(page.getByRole("status")).toHaveText("Some fields are not valid.");
    await expect(page.getByText("No notes yet.")).toBeVisible();
  });

  const id = await writeNote(page, "Groceries", "milk\n  eggs");
  await test.step("style attributes and next/image render, with no policy violation", async () => {
    // The note body keeps its line breaks through a `style` prop (white-space: pre-wrap).
    expect(await page.getByText(/milk/).evaluate((element) => getComputedStyle(element).whiteSpace)).toBe("pre-wrap");
    // next/image's own style attribute (color: transparent) applies, and the image loaded.
    const logo = page.locator("header .brand img");
    expect(await logo.evaluate((image: HTMLImageElement) => [image.complete && image.naturalWidth > 0, image.getAttribute("style"), getComputedStyle(image).color])).toEqual([
      true,
      "color:transparent",
      "rgba(0, 0, 0, 0)",
    ]);
    expect(policyViolations).toEqual([]);
  });

  await page.getByRole("button", { name: "Delete note" }).click();
  await expect(page).toHaveURL(/\/notes$/);
  await expect(page.getByRole("link", { name: "Groceries" })).toHaveCount(0);
  expect((await page.request.get(`/api/notes/${id}`)).status()).toBe(404);
});

test("another user's note is refused through the page, the action and the API (no IDOR), and stays", async ({ page, newBrowser, db }) => {
  const owner = await newBrowser();
  await signInOverHttp(owner, "staff");
  const id = await writeNote(owner, "Sam's secret", "the launch date");
  const stillThere = async () => (await db.query(`select count(*)::int as n from "Note" where id = $1`, [id])).rows[0].n === 1;

  await signInOverHttp(page, "member");
  await test.step("the page: not found, exactly as for an id that does not exist", async () => {
    const response = await page.goto(`/notes/${id}`);
    expect(response!.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await expect(page.getByText("the launch date")).toHaveCount(0);
  });

  await test.step("the API: 404 for read and delete", async () => {
    const read = await page.request.get(`/api/notes/${id}`);
    expect(read.status()).toBe(404);
    expect(await read.json()).toMatchObject({ error: "not_found" });
    expect((await page.request.delete(`/api/notes/${id}`)).status()).toBe(404);
    expect(await stillThere()).toBe(true);
  });

  await test.step("the action: the member's own delete form, its note id swapped for Sam's, is refused", async () => {
    const mine = await writeNote(page, "Mia's note", "");
    await page.locator('input[name="noteId"]').evaluate((input: HTMLInputElement, other) => (input.value = other), id);
    await page.getByRole("button", { name: "Delete note" }).click();
    await expect(page.getByRole("alert").filter({ hasText: "not yours" })).toHaveText("That note does not exist, or it is not yours.");
    expect(await stillThere()).toBe(true);
    // Control: the same form deletes the member's own note, so the refusal above was about ownership.
    await page.locator('input[name="noteId"]').evaluate((input: HTMLInputElement, own) => (input.value = own), mine);
    await page.getByRole("button", { name: "Delete note" }).click();
    await expect(page).toHaveURL(/\/notes$/);
    expect((await db.query(`select count(*)::int as n from "Note" where id = $1`, [mine])).rows[0].n).toBe(0);
  });

  await test.step("the owner still reads it", async () => {
    const read = await owner.request.get(`/api/notes/${id}`);
    expect(read.status()).toBe(200);
    expect(await read.json()).toMatchObject({ id, title: "Sam's secret" });
  });
});

test("the notes API: anonymous callers get 401 JSON, bad input 400 or 415, the owner their data", async ({ page, playwright, baseURL }) => {
  const anonymous = await playwright.request.newContext({ baseURL });
  for (const [method, path] of [["GET", "/api/notes"], ["POST", "/api/notes"], ["GET", "/api/notes/some-id"], ["DELETE", "/api/notes/some-id"]] as const) {
    const response = await anonymous.fetch(path, { method, data: method === "POST" ? { title: "x" } : undefined, maxRedirects: 0 });
    expect(response.status(), `${method} ${path}`).toBe(401);
    expect(response.headers()["content-type"]).toContain("application/json");
    expect(response.headers()["cache-control"]).toBe("no-store");
    expect(await response.json()).toMatchObject({ error: "unauthenticated" });
  }
  await anonymous.dispose();

  await signInOverHttp(page, "member");
  const created = await page.request.post("/api/notes", { data: { title: "From the API", body: "hello" } });
  expect(created.status()).toBe(201);
  const note = await created.json();
  expect(note).toEqual({ id: expect.any(String), title: "From the API", body: "hello", createdAt: expect.any(String), updatedAt: expect.any(String) });
  expect(created.headers()["cache-control"]).toBe("no-store");

  const invalid = await page.request.post("/api/notes", { data: { title: "" } });
  expect(invalid.status()).toBe(400);
  expect(await invalid.json()).toMatchObject({ error: "invalid_request", fieldErrors: { title: ["Give the note a title."] } });
  const form = await page.request.post("/api/notes", { form: { title: "a form post" } });
  expect(form.status()).toBe(415);
  const huge = await page.request.post("/api/notes", { data: { title: "big", body: "x".repeat(70_000) } });
  expect(huge.status()).toBe(413);

  const list = await (await page.request.get("/api/notes")).json();
  expect(list.notes.map((entry: { title: string }) => entry.title)).toContain("From the API");
  expect((await page.request.delete(`/api/notes/${note.id}`)).status()).toBe(204);
});

test("anonymous visitors of the notes pages are sent to sign in, and come back after", async ({ page }) => {
  await page.goto("/notes");
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fnotes$/);
  await attemptSignIn(page, "member");
  await expect(page).toHaveURL(/\/notes$/);
  await expect(page.getByRole("heading", { name: "Your notes" })).toBeVisible();
});
