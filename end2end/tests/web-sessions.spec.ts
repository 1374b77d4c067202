import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { column, filterChips, open, parseCsv, total } from "./helpers";

test("the menu leads from the home page to Web Sessions", async ({ page }) => {
  await open(page, "/");
  await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Web Sessions" }).click();
  await expect(page).toHaveURL(/\/logs\/web-sessions$/);
  await expect(page.getByRole("heading", { level: 1, name: "Web Sessions" })).toBeVisible();
  for (const name of ["Timestamp", "Result", "Username", "IP Address"]) {
    await expect(page.getByRole("columnheader", { name: new RegExp(`^${name}`) })).toBeVisible();
  }
  await expect(page.getByText("No filters applied")).toBeVisible();
  await expect(page.getByRole("table").locator("tbody tr")).toHaveCount(25);
});

test("filter by Result lives in the URL, survives reload, and Back undoes it", async ({ page }) => {
  await open(page, "/logs/web-sessions");
  const unfiltered = await total(page);
  await page.getByLabel("Result", { exact: true }).selectOption("FAIL_BAD_CREDENTIALS");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/result=FAIL_BAD_CREDENTIALS/);
  await expect(filterChips(page)).toHaveText(["Result = FAIL_BAD_CREDENTIALS"]);
  const results = await column(page, "Result");
  expect(results.length).toBeGreaterThan(0);
  expect(new Set(results)).toEqual(new Set(["FAIL_BAD_CREDENTIALS"]));
  const filtered = await total(page);
  expect(filtered).toBeLessThan(unfiltered);

  await page.reload();
  await expect(page.getByLabel("Result", { exact: true })).toHaveValue("FAIL_BAD_CREDENTIALS");
  expect(new Set(await column(page, "Result"))).toEqual(new Set(["FAIL_BAD_CREDENTIALS"]));

  await page.goBack();
  await expect(page).toHaveURL(/\/logs\/web-sessions$/);
  await expect(page.getByText("No filters applied")).toBeVisible();
  expect(await total(page)).toBe(unfiltered);
  expect(new Set(await column(page, "Result")).size).toBeGreaterThan(1);
});

test("pages and Items to show", async ({ page }) => {
  // Rows by their detail links: two rows of one login share a timestamp, never an id.
  const ids = () => page.getByRole("table").locator("tbody tr td:first-child a")
    .evaluateAll((links) => links.map((a) => a.getAttribute("href")));
  await open(page, "/logs/web-sessions");
  const first = await column(page, "Timestamp");
  const firstIds = await ids();
  await page.getByRole("navigation", { name: "Pages" }).getByRole("link", { name: "Page 2" }).click();
  await expect(page).toHaveURL(/page=2/);
  await expect(page.getByRole("link", { name: "Page 2" })).toHaveAttribute("aria-current", "page");
  const second = await column(page, "Timestamp");
  expect(second).toHaveLength(25);
  expect((await ids()).filter((id) => firstIds.includes(id))).toEqual([]);
  // Newest first: page 2 is older than page 1.
  expect(second[0] <= first[first.length - 1]).toBeTruthy();

  await page.getByLabel("Items to show").selectOption("10");
  await expect(page).toHaveURL(/size=10/);
  await expect(page).not.toHaveURL(/page=2/);
  await expect(page.getByRole("table").locator("tbody tr")).toHaveCount(10);
  await page.getByRole("link", { name: "Next" }).click();
  await expect(page).toHaveURL(/size=10.*page=2|page=2.*size=10/);
  await expect(page.getByRole("table").locator("tbody tr")).toHaveCount(10);
});

test("sorting by a header toggles its order", async ({ page }) => {
  await open(page, "/logs/web-sessions");
  const header = page.getByRole("columnheader", { name: /^Username/ });
  await header.getByRole("link").click();
  await expect(page).toHaveURL(/sort=username&dir=desc|dir=desc&sort=username/);
  // The old rows stay while the sorted ones load; the header says when they are there.
  await expect(header).toHaveAttribute("aria-sort", "descending");
  const desc = await column(page, "Username");
  expect([...desc].sort().reverse()).toEqual(desc);
  await header.getByRole("link").click();
  await expect(page).toHaveURL(/dir=asc/);
  await expect(header).toHaveAttribute("aria-sort", "ascending");
  const asc = await column(page, "Username");
  expect([...asc].sort()).toEqual(asc);
});

test("the Timestamp opens the detail page", async ({ page }) => {
  await open(page, "/logs/web-sessions?result=FAIL_BAD_CREDENTIALS");
  const username = (await column(page, "Username"))[0];
  const stamp = page.getByRole("table").locator("tbody tr").first().getByRole("link").first();
  const when = (await stamp.innerText()).trim();
  await stamp.click();
  await expect(page).toHaveURL(/\/logs\/web-sessions\/\d+$/);
  await expect(page.getByRole("heading", { name: "Web Sessions entry" })).toBeVisible();
  const main = page.getByRole("main");
  await expect(main.getByText("FAIL_BAD_CREDENTIALS")).toBeVisible();
  await expect(main.getByText(when)).toBeVisible();
  await expect(main.getByText(username, { exact: true })).toBeVisible();
});

test("the CSV holds exactly the filtered rows, in order", async ({ page }) => {
  await open(page, "/logs/web-sessions?result=FAIL_BAD_CREDENTIALS&size=100");
  const shown = await total(page);
  const stamps = await column(page, "Timestamp");
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "CSV" }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^web-sessions-.*\.csv$/);
  const rows = parseCsv(readFileSync(await download.path(), "utf8"));
  expect(rows[0]).toEqual(["Timestamp", "Result", "Username", "IP Address"]);
  const body = rows.slice(1);
  expect(body).toHaveLength(shown);
  expect(new Set(body.map((r) => r[1]))).toEqual(new Set(["FAIL_BAD_CREDENTIALS"]));
  expect(body.slice(0, stamps.length).map((r) => r[0])).toEqual(stamps);
});

test("a malformed address gets a clear message, not a crash", async ({ page }) => {
  const response = await page.goto("/logs/web-sessions?page=abc");
  expect(response?.status()).toBe(400);
  await expect(page.getByRole("alert")).toContainText("not a page number");
  await page.goto("/logs/web-sessions?result=NOT_A_RESULT");
  await expect(page.getByRole("alert")).toContainText("'NOT_A_RESULT' is not a known web session result");
  await open(page, "/logs/web-sessions?q=%27%20OR%201%3D1%20--");
  await expect(page.getByText("No rows match these filters.")).toBeVisible();
});
