import { test, expect, type Browser } from "@playwright/test";
import { column, open, total } from "./helpers";

/** A failed login from a browser of its own (a Web Sessions row the server writes now). */
async function failLogin(browser: Browser, name: string) {
  const stranger = await browser.newPage({ storageState: { cookies: [], origins: [] } });
  await stranger.goto("/login");
  await stranger.getByLabel("Username").fill(name);
  await stranger.getByLabel("Password").fill("wrong password");
  await stranger.getByRole("button", { name: "Log in" }).click();
  await expect(stranger.getByRole("alert")).toBeVisible();
  await stranger.close();
}

test("a followed list shows new rows matching its filter without a reload", async ({ page, browser }) => {
  // An unknown user's failed login is FAIL_USER_NOT_FOUND.
  await open(page, "/logs/web-sessions?result=FAIL_USER_NOT_FOUND");
  const follow = page.getByRole("button", { name: "Follow" });
  await expect(follow).toHaveAttribute("aria-pressed", "false");
  await follow.click();
  await expect(page).toHaveURL(/follow=1/);
  await expect(follow).toHaveAttribute("aria-pressed", "true");
  const before = await total(page);
  // Nothing reloads the page from here on: a mark on the window stays.
  await page.evaluate(() => ((window as unknown as { mark: number }).mark = 1));

  await failLogin(browser, "follow-e2e-user");
  await expect.poll(() => column(page, "Username"), { timeout: 5_000 }).toContain("follow-e2e-user");
  expect((await column(page, "Username"))[0]).toBe("follow-e2e-user");
  expect(await page.evaluate(() => (window as unknown as { mark: number }).mark)).toBe(1);
  expect(await total(page)).toBe(before);

  // Off again: the URL says so, and new rows wait for a refresh.
  await follow.click();
  await expect(page).not.toHaveURL(/follow=1/);
  await expect(follow).toHaveAttribute("aria-pressed", "false");
});

test("on another page of the list the new rows are counted, and show brings them", async ({ page, browser }) => {
  await open(page, "/logs/web-sessions?follow=1&page=2&size=10");
  const firstOfPage2 = (await column(page, "Timestamp"))[0];
  await failLogin(browser, "follow-e2e-counted");
  await expect(page.getByRole("status").filter({ hasText: /new rows? — show/ })).toHaveText(/1 new row/, { timeout: 5_000 });
  // Nothing moved on this page.
  expect((await column(page, "Timestamp"))[0]).toBe(firstOfPage2);
  await page.getByRole("button", { name: "show", exact: true }).click();
  await expect(page).not.toHaveURL(/page=2/);
  await expect.poll(() => column(page, "Username")).toContain("follow-e2e-counted");
});
