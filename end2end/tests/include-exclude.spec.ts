import { test, expect } from "@playwright/test";
import { readFileSync } from "node:fs";
import { column, filterChips, open, parseCsv, total } from "./helpers";

test("only this and not this from the cells round-trip through the URL, the chips and Back", async ({ page }) => {
  await open(page, "/logs/cdr?size=100");
  await expect.poll(() => column(page, "Disposition")).toContain("BUSY");
  const all = await total(page);

  // "Not this", from the keyboard: the BUSY rows leave, the chip says so, the total drops.
  const exclude = page.getByRole("link", { name: "Exclude Disposition BUSY" }).first();
  await exclude.focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/not_disposition=BUSY/);
  await expect(filterChips(page)).toHaveText(["Disposition ≠ BUSY"]);
  await expect.poll(() => total(page)).toBeLessThan(all);
  await expect.poll(() => column(page, "Disposition")).not.toContain("BUSY");
  const withoutBusy = await total(page);

  // "Only this" on another cell keeps the exclusion beside it.
  await page.getByRole("link", { name: "Show only Disposition ANSWERED" }).first().click();
  await expect(page).toHaveURL(/[?&]disposition=ANSWERED/);
  await expect(filterChips(page)).toHaveText(["Disposition = ANSWERED", "Disposition ≠ BUSY"]);
  await expect.poll(async () => [...new Set(await column(page, "Disposition"))]).toEqual(["ANSWERED"]);
  const answered = await total(page);
  expect(answered).toBeLessThan(withoutBusy);

  // The CSV follows the list's filters, exclusions included.
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "CSV" }).click();
  const rows = parseCsv(readFileSync(await (await downloading).path(), "utf8"));
  expect(rows.length - 1).toBe(answered);
  const disposition = rows[0].indexOf("Disposition");
  expect(new Set(rows.slice(1).map((r) => r[disposition]))).toEqual(new Set(["ANSWERED"]));

  // A chip's × removes that filter alone.
  await page.getByRole("link", { name: "Remove filter Disposition = ANSWERED" }).click();
  await expect(filterChips(page)).toHaveText(["Disposition ≠ BUSY"]);
  await expect.poll(() => total(page)).toBe(withoutBusy);

  // Back walks the same steps in reverse.
  await page.goBack();
  await expect(filterChips(page)).toHaveText(["Disposition = ANSWERED", "Disposition ≠ BUSY"]);
  await expect.poll(() => total(page)).toBe(answered);
  await page.goBack();
  await expect(filterChips(page)).toHaveText(["Disposition ≠ BUSY"]);
  await page.goBack();
  await expect(page.getByText("No filters applied")).toBeVisible();
  await expect.poll(() => total(page)).toBe(all);
});

test("a text cell's only this matches the whole text, and the filter form keeps exclusions", async ({ page }) => {
  await open(page, "/logs/cdr?not_call_type=TRANSFER");
  await expect(filterChips(page)).toHaveText(["Call Type ≠ TRANSFER"]);
  const caller = (await column(page, "Caller")).find((v) => v.length > 0)!;
  await page.getByRole("link", { name: `Show only Caller ${caller}`, exact: true }).first().click();
  // Chips follow the filter form's order: codes first, then text.
  await expect(filterChips(page)).toHaveText(["Call Type ≠ TRANSFER", `Caller = "${caller}"`]);
  await expect.poll(async () => [...new Set(await column(page, "Caller"))]).toEqual([caller]);
  await expect.poll(() => column(page, "Call Type")).not.toContain("TRANSFER");

  // Applying the form (a code filter added) keeps the exclusion it has no control for.
  await page.getByLabel("Disposition", { exact: true }).selectOption("ANSWERED");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(filterChips(page)).toHaveText(["Disposition = ANSWERED", "Call Type ≠ TRANSFER", `Caller = "${caller}"`]);
});

test("a CSV export is logged as a Security Event with who, which list, which filter and how many rows", async ({ page }) => {
  await open(page, "/logs/web-sessions?result=SUCCESS");
  const rows = await total(page);
  const downloading = page.waitForEvent("download");
  await page.getByRole("link", { name: "CSV" }).click();
  await (await downloading).path();

  await open(page, "/logs/security?type=DATA_EXPORT");
  const logged = `CSV export of Web Sessions: ${rows} rows; Result = SUCCESS`;
  await expect.poll(() => column(page, "Description")).toContain(logged);
});
