import { test, expect } from "@playwright/test";
import { column, open, total } from "./helpers";

test("support flow: from Registered Accounts to an account, its SIP history and calls, and back", async ({ page }) => {
  await open(page, "/");
  await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Registered Accounts" }).click();
  const first = page.getByRole("table").locator("tbody tr").first();
  const description = (await first.locator("td").nth(4).innerText()).trim();
  await first.getByRole("link").first().click();
  await expect(page).toHaveURL(/\/accounts\/\d+$/);
  await expect(page.getByRole("heading", { level: 1, name: description })).toBeVisible();
  await expect(page.getByText(/^Yes, from /)).toBeVisible();
  const accountUrl = page.url();

  // The calls of the account: as caller or callee.
  await expect(page.getByRole("link", { name: /^Call Detail Records \(\d+\)$/ })).toBeVisible();
  await expect(page.locator("ol.timeline li").first()).toBeVisible();

  await page.getByRole("link", { name: /^SIP Sessions \(\d+\)$/ }).click();
  await expect(page).toHaveURL(/\/logs\/sip-sessions\?account_id=\d+$/);
  await expect(page.getByRole("table")).toBeVisible();
  const accounts = async () => new Set((await column(page, "Account")).map((a) => a.replace("↗", "").trim()));
  await expect.poll(accounts).toEqual(new Set([description]));

  await page.goBack();
  await expect(page).toHaveURL(accountUrl);
  await expect(page.getByRole("heading", { level: 1, name: description })).toBeVisible();
});

test("from a CDR row, the Caller opens the caller's account", async ({ page }) => {
  await open(page, "/logs/cdr?call_type=CALL");
  const caller = page.getByRole("table").locator("tbody tr").first().locator("td").nth(2);
  const name = (await caller.innerText()).trim();
  await caller.getByRole("link", { name, exact: true }).click();
  await expect(page).toHaveURL(/\/accounts\/\d+$/);
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
});

test("in SIP Sessions, an Account shows only that account's rows, and its arrow opens the account", async ({ page }) => {
  await open(page, "/logs/sip-sessions?event=REGISTER");
  const cell = page.getByRole("table").locator("tbody tr").first().locator("td").nth(4);
  const name = (await cell.getByRole("link").first().innerText()).trim();
  await cell.getByRole("link", { name, exact: true }).click();
  await expect(page).toHaveURL(/account_id=\d+/);
  // The old rows stay on screen until the filtered ones arrive.
  const shown = async () => new Set((await column(page, "Account")).map((a) => a.replace("↗", "").trim()));
  await expect.poll(shown).toEqual(new Set([name]));
  await page.getByRole("link", { name: `Account page of ${name}` }).first().click();
  await expect(page).toHaveURL(/\/accounts\/\d+$/);
  await expect(page.getByRole("heading", { level: 1, name })).toBeVisible();
});

test("the accounts directory filters and opens accounts", async ({ page }) => {
  await open(page, "/");
  await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Accounts", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Accounts" })).toBeVisible();
  await page.getByLabel("Online Now", { exact: true }).selectOption("yes");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/online=yes/);
  await expect.poll(async () => new Set(await column(page, "Online Now"))).toEqual(new Set(["Yes"]));
  await page.getByLabel("Username", { exact: true }).fill("4418591930");
  await page.getByRole("button", { name: "Apply" }).click();
  await page.goto("/accounts?username=4418591930");
  await page.getByRole("link", { name: "4418591930", exact: true }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Arthur Doyle" })).toBeVisible();
});

test("an account's last 30 days read at a glance, and each day's calls open those calls", async ({ page }) => {
  await open(page, "/accounts/1");
  const strip = page.getByRole("region", { name: "Last 30 days" });
  await expect(strip.getByRole("rowheader")).toHaveText(["Calls", "Failed calls", "SIP errors"]);
  await expect(strip.getByRole("columnheader")).toHaveCount(30);
  const day = strip.getByRole("link", { name: /^Calls, / }).last();
  const [, count] = (await day.getAttribute("aria-label"))!.match(/: (\d+)$/)!;
  await day.click();
  await expect(page).toHaveURL(/\/logs\/cdr\?from=.*&account_id=1$/);
  await expect.poll(() => total(page)).toBe(Number(count));
  // The timeline names each value.
  await page.goBack();
  await expect(page.locator("ol.timeline li").first().locator("dt").first()).toBeVisible();
});

test("a SIP connect's detail says which REGISTER bound it to its account", async ({ page }) => {
  await open(page, "/logs/sip-sessions?event=CONNECT&reconciled=yes");
  await page.getByRole("table").locator("tbody tr").first().getByRole("link").first().click();
  await expect(page.getByText("Reconciliation")).toBeVisible();
  const register = page.getByRole("link", { name: /^REGISTER #\d+ from / });
  const bound = page.getByText(/^Bound when it was written/);
  await expect(register.or(bound)).toBeVisible();
});
