import { test, expect } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";
import { open, total } from "./helpers";

test("the overview's window lives in the URL and a bar segment opens exactly its rows", async ({ page }) => {
  await open(page, "/");
  await expect(page.getByRole("heading", { level: 1, name: "Overview" })).toBeVisible();
  const windows = page.getByRole("navigation", { name: "Window" });
  await expect(windows.getByRole("link", { name: "Last 24 hours" })).toHaveAttribute("aria-current", "page");

  await windows.getByRole("link", { name: "Last 7 days" }).click();
  await expect(page).toHaveURL(/\/\?window=7d$/);
  await expect(windows.getByRole("link", { name: "Last 7 days" })).toHaveAttribute("aria-current", "page");
  const calls = page.getByRole("group", { name: "Calls by disposition" }).getByRole("link");
  await expect.poll(() => calls.count()).toBeGreaterThan(0);

  // Each segment is a named link: "<interval>, <disposition>: <n> calls".
  const name = (await calls.first().getAttribute("aria-label"))!;
  const [, disposition, count] = name.match(/, ([A-Z_]+): (\d+) calls$/)!;
  // The same numbers as a table, for screen readers and for reading.
  await page.getByText("Calls by disposition as a table").click();
  const table = page.getByRole("table", { name: "Calls by disposition" });
  await expect(table.getByRole("row")).toHaveCount(8); // the header and 7 days

  await calls.first().click();
  await expect(page).toHaveURL(new RegExp(`/logs/cdr\\?from=.*&disposition=${disposition}$`));
  await expect.poll(() => total(page)).toBe(Number(count));
});

test("failed console logins are charted and lead to the failures", async ({ page, browser }) => {
  // A failed login now, from a fresh context: it is in the last hour's chart.
  const stranger = await browser.newPage({ storageState: { cookies: [], origins: [] } });
  await stranger.goto("/login");
  await stranger.getByLabel("Username").fill("nobody-e2e");
  await stranger.getByLabel("Password").fill("wrong password");
  await stranger.getByRole("button", { name: "Log in" }).click();
  await expect(stranger.getByRole("alert")).toBeVisible();
  await stranger.close();

  await open(page, "/?window=1h");
  const failures = page.getByRole("group", { name: "Failed console logins" }).getByRole("link");
  await expect.poll(() => failures.count()).toBeGreaterThan(0);
  const name = (await failures.last().getAttribute("aria-label"))!;
  const count = Number(name.match(/: (\d+) failed logins$/)![1]);
  await failures.last().click();
  await expect(page).toHaveURL(/\/logs\/web-sessions\?from=/);
  await expect.poll(() => total(page)).toBe(count);
});

test("the demo's accounts on line now are counted and lead to exactly them", async ({ page }) => {
  // The e2e demo leaves 20 SIP sessions open at its anchor: each account's last REGISTER is
  // under 30 minutes old and valid for an hour, so the count holds through the whole suite.
  await open(page, "/");
  const onLine = page.getByRole("link", { name: "20 accounts on line now", exact: true });
  await expect(onLine).toHaveText("20");
  await onLine.click();
  await expect(page).toHaveURL(/\/accounts\?online=yes$/);
  await expect.poll(() => total(page)).toBe(20);
});

const PAGES = [
  "/", "/?window=30d", "/logs/cdr", "/logs/cdr?not_disposition=BUSY", "/logs/security", "/logs/web-sessions",
  "/logs/sip-sessions", "/logs/registered", "/logs/messages", "/logs/system", "/logs/audit",
  "/logs/install-messages", "/logs/activation-messages", "/accounts", "/accounts/1", "/logs/cdr/1",
  "/settings", "/users",
];

test("every page loads without a browser console error and passes axe", async ({ page }) => {
  const errors: string[] = [];
  page.on("console", (m) => { if (m.type() === "error") errors.push(`${page.url()}: ${m.text()}`); });
  page.on("pageerror", (e) => errors.push(`${page.url()}: ${e.message}`));
  for (const path of PAGES) {
    await open(page, path);
    await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
    const results = await new AxeBuilder({ page }).analyze();
    expect(results.violations.map((v) => `${path}: ${v.id} (${v.nodes.length})`)).toEqual([]);
  }
  expect(errors).toEqual([]);
});
