import { test, expect, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { column, filterChips, logIn, open, parseCsv } from "./helpers";
import { ADMIN, SUPPORT } from "./users";

const menu = (page: Page) => page.getByRole("navigation", { name: "Main menu" });

test.describe("signing in", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("a wrong password is refused and shows up in Web Sessions after a proper login", async ({ page }) => {
    await logIn(page, ADMIN, "not-the-password");
    await expect(page.getByRole("alert")).toHaveText("Wrong username or password.");
    await expect(page).toHaveURL(/\/login\?error=credentials$/);

    await page.getByLabel("Username").fill(ADMIN.name);
    await page.getByLabel("Password").fill(ADMIN.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByText(`Signed in as ${ADMIN.name}`)).toBeVisible();

    await menu(page).getByRole("link", { name: "Web Sessions" }).click();
    await expect.poll(() => column(page, "Result")).toContain("FAIL_BAD_CREDENTIALS");
    const results = await column(page, "Result");
    const users = await column(page, "Username");
    const failed = results.indexOf("FAIL_BAD_CREDENTIALS");
    expect(users[failed]).toBe(ADMIN.name);
    // The login itself: newer than the failure, both of its rows.
    expect(results.slice(0, failed)).toEqual(expect.arrayContaining(["SUCCESS", "SUCCESS_INTERACTIVE"]));
  });

  test("an address opened before login is where the login leads", async ({ page }) => {
    await page.goto("/logs/cdr?disposition=ANSWERED");
    await expect(page).toHaveURL(/\/login\?next=/);
    await page.getByLabel("Username").fill(SUPPORT.name);
    await page.getByLabel("Password").fill(SUPPORT.password);
    await page.getByRole("button", { name: "Log in" }).click();
    await expect(page).toHaveURL(/\/logs\/cdr\?disposition=ANSWERED$/);
    await expect(filterChips(page)).toHaveText(["Disposition = ANSWERED"]);
  });

  test("support reads logs but has no Settings and cannot open them", async ({ page }) => {
    await logIn(page, SUPPORT);
    await expect(page.getByText(`Signed in as ${SUPPORT.name}`)).toBeVisible();
    await expect(menu(page).getByRole("link", { name: "Call Detail Records" })).toBeVisible();
    await expect(menu(page).getByRole("link", { name: "Settings" })).toHaveCount(0);
    await expect(menu(page).getByRole("link", { name: "Console users" })).toHaveCount(0);
    // No export for support either.
    await open(page, "/logs/cdr");
    await expect(page.getByRole("link", { name: "CSV" })).toHaveCount(0);

    const settings = await page.goto("/settings");
    expect(settings?.status()).toBe(403);
    await expect(page.getByRole("alert")).toContainText("You do not have permission");
    await expect(page.getByLabel("CDR masking policy")).toHaveCount(0);
  });

  test("logging out ends the session", async ({ page }) => {
    await logIn(page, SUPPORT);
    await page.getByRole("button", { name: "Log out" }).click();
    await expect(page.getByText("You are logged out.")).toBeVisible();
    await page.goto("/logs/cdr");
    await expect(page).toHaveURL(/\/login\?next=%2Flogs%2Fcdr$/);
  });
});

/** Saves the settings form after `change` fills it; returns the message shown. */
async function saveSettings(page: Page, change: () => Promise<void>) {
  await open(page, "/");
  await menu(page).getByRole("link", { name: "Settings" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Settings" })).toBeVisible();
  await change();
  await page.getByRole("button", { name: "Save settings" }).click();
  const saved = page.getByRole("status").filter({ hasText: /^(Saved|Nothing changed)/ });
  await expect(saved).toBeVisible();
  return saved.innerText();
}

test("an admin masks CDR numbers; the list, the CSV, Auditing and Security Events show it", async ({ page }) => {
  try {
    const message = await saveSettings(page, () => page.getByLabel("CDR masking policy").selectOption("MASK"));
    expect(message).toBe("Saved: CDR masking policy changed to MASK.");

    await menu(page).getByRole("link", { name: "Call Detail Records" }).click();
    await expect(page).toHaveURL(/\/logs\/cdr/);
    await expect(page.getByRole("table").locator("tbody tr").first()).toBeVisible();
    const callers = await column(page, "Caller Number");
    expect(callers.length).toBeGreaterThan(0);
    expect(callers.filter((n) => n.length > 4).every((n) => /^\+?\d{1,3}\*+\d{1,2}$/.test(n))).toBeTruthy();

    const downloading = page.waitForEvent("download");
    await page.getByRole("link", { name: "CSV" }).click();
    const rows = parseCsv(readFileSync(await (await downloading).path(), "utf8"));
    const index = rows[0].indexOf("Caller Number");
    expect(rows.slice(1).every((r) => r[index].length <= 5 || r[index].includes("*"))).toBeTruthy();
    expect(rows.slice(1, callers.length + 1).map((r) => r[index].replace(/^'/, ""))).toEqual(callers);

    await menu(page).getByRole("link", { name: "Auditing" }).click();
    await page.getByLabel("Username", { exact: true }).fill(ADMIN.name);
    await page.getByRole("button", { name: "Apply" }).click();
    await expect.poll(() => column(page, "Object ID")).toContain("CDR.MASKING_POLICY");

    await menu(page).getByRole("link", { name: "Security Events" }).click();
    await page.getByLabel("Event Type", { exact: true }).selectOption("SECURITY_CONFIGURATION_CHANGE");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect.poll(() => column(page, "Description")).toContain("CDR masking policy changed to MASK");
  } finally {
    await saveSettings(page, () => page.getByLabel("CDR masking policy").selectOption("NONE"));
  }
});

test("timestamps follow the appliance time zone", async ({ page }) => {
  try {
    const message = await saveSettings(page, () => page.getByLabel("Appliance time zone").fill("Asia/Tokyo"));
    expect(message).toBe("Saved: Appliance time zone changed to Asia/Tokyo.");
    await menu(page).getByRole("link", { name: "Web Sessions" }).click();
    await expect(page.getByText(/times in Asia\/Tokyo/)).toBeVisible();
    const times = await column(page, "Timestamp");
    expect(times.length).toBeGreaterThan(0);
    expect(times.every((t) => t.endsWith(" JST"))).toBeTruthy();

    // An unknown zone is refused and changes nothing.
    const refused = page.getByRole("alert");
    await open(page, "/settings");
    await page.getByLabel("Appliance time zone").fill("Mars/Olympus");
    await page.getByRole("button", { name: "Save settings" }).click();
    await expect(refused).toContainText("'Mars/Olympus' is not a known time zone");
  } finally {
    await saveSettings(page, () => page.getByLabel("Appliance time zone").fill("UTC"));
  }
});

test("an admin adds a console user, who can then log in with their role", async ({ page, browser }) => {
  await open(page, "/");
  await menu(page).getByRole("link", { name: "Console users" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Console users" })).toBeVisible();
  await page.getByLabel("Username", { exact: true }).fill("e2e-new-auditor");
  await page.getByLabel("Role", { exact: true }).selectOption("auditor");
  await page.getByLabel("Password", { exact: true }).fill("e2e-New-Secret-1");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Console user e2e-new-auditor added." })).toBeVisible();
  await expect(page.getByRole("cell", { name: "e2e-new-auditor", exact: true })).toBeVisible();

  // A too short password is refused with the reason.
  await page.getByLabel("Username", { exact: true }).fill("e2e-weak");
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByRole("button", { name: "Add user" }).click();
  await expect(page.getByRole("alert")).toContainText("at least 10 characters");

  const other = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const them = await other.newPage();
  await logIn(them, { name: "e2e-new-auditor", password: "e2e-New-Secret-1" });
  await expect(them.getByText("Signed in as e2e-new-auditor (Auditor)")).toBeVisible();
  await other.close();

  await menu(page).getByRole("link", { name: "Auditing" }).click();
  await page.getByLabel("Object Type", { exact: true }).fill("ConsoleUser");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect.poll(() => column(page, "Object ID")).toContain("e2e-new-auditor");
});

test("an admin creates an API token, shown once, that reads the API until it is revoked", async ({
  page,
  playwright,
  baseURL,
}) => {
  await open(page, "/");
  await menu(page).getByRole("link", { name: "Console users" }).click();
  await expect(page.getByRole("heading", { level: 2, name: "API tokens" })).toBeVisible();
  await page.getByLabel("Token name", { exact: true }).fill("e2e-reader");
  await page.getByLabel("Scope", { exact: true }).selectOption("read");
  await page.getByRole("button", { name: "Create token" }).click();
  const secret = page.getByLabel("New API token");
  await expect(secret).toHaveText(/^pslog_[0-9a-f]{64}$/);
  const token = await secret.innerText();
  const row = page.getByRole("table", { name: "API tokens" }).getByRole("row").filter({ hasText: "e2e-reader" });
  await expect(row).toContainText("live");

  // A machine with the token, and no session.
  const machine = await playwright.request.newContext({
    baseURL,
    storageState: { cookies: [], origins: [] },
    extraHTTPHeaders: { Authorization: `Bearer ${token}` },
  });
  expect((await machine.get("/api/v1/cdr")).status()).toBe(200);
  expect((await machine.post("/api/v1/cdr", { data: [] })).status()).toBe(403);

  await row.getByRole("button", { name: "Revoke e2e-reader" }).click();
  await expect(page.getByRole("status").filter({ hasText: "API token e2e-reader revoked." })).toBeVisible();
  await expect(row).toContainText("revoked");
  expect((await machine.get("/api/v1/cdr")).status()).toBe(401);
  await machine.dispose();

  // Both are in Auditing.
  await menu(page).getByRole("link", { name: "Auditing" }).click();
  await page.getByLabel("Object Type", { exact: true }).fill("ApiToken");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect.poll(() => column(page, "Object ID")).toEqual(["e2e-reader", "e2e-reader"]);
});

test("an admin sets the CEF device host; Security Events' CEF lines carry it; forwarding state is shown", async ({ page }) => {
  try {
    const message = await saveSettings(page, () => page.getByLabel("Device host name").fill("pbx-e2e.example"));
    expect(message).toBe("Saved: Device host name changed to 'pbx-e2e.example'.");
    // The e2e server runs without --forward-cef: the page says so and how to turn it on.
    const forwarding = page.getByRole("region", { name: "CEF forwarding" });
    await expect(forwarding).toContainText("Not forwarding");
    await expect(forwarding).toContainText("--forward-cef");

    await menu(page).getByRole("link", { name: "Security Events" }).click();
    await page.getByLabel("Description", { exact: true }).fill("Device host name changed");
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page).toHaveURL(/description=Device\+host\+name\+changed/);
    await expect(page.getByRole("status").filter({ hasText: /\d+ rows? ·/ })).toBeVisible();
    await page.getByRole("table").locator("tbody tr").first().getByRole("link").first().click();
    await expect(page).toHaveURL(/\/logs\/security\/\d+$/);
    const cef = page.getByRole("main").getByText(/\|CC01\|Appliance Configuration Change\|4\|.*dhost=pbx-e2e\.example$/);
    await expect(cef).toBeVisible();

    // Every page links the API's description.
    const api = page.getByRole("contentinfo").getByRole("link", { name: "HTTP API: OpenAPI description" });
    await expect(api).toHaveAttribute("href", "/api/v1/openapi.json");
  } finally {
    await saveSettings(page, () => page.getByLabel("Device host name").fill(""));
  }
});
