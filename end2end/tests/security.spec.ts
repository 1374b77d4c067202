import { test, expect, type Page } from "@playwright/test";
import { open } from "./helpers";

/** Records every Content-Security-Policy violation the page reports, from its first script on. */
async function watchViolations(page: Page): Promise<string[]> {
  const seen: string[] = [];
  await page.exposeFunction("reportViolation", (text: string) => seen.push(text));
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as unknown as { reportViolation: (t: string) => void }).reportViolation(
        `${e.violatedDirective} blocked ${e.blockedURI} on ${location.pathname}`,
      ),
    );
  });
  page.on("console", (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) seen.push(message.text());
  });
  return seen;
}

test("no page of the console breaks its Content-Security-Policy", async ({ page }) => {
  const violations = await watchViolations(page);
  for (const path of ["/", "/logs/cdr", "/logs/security", "/accounts", "/settings", "/users"]) {
    const response = await page.goto(path);
    expect(response?.headers()["content-security-policy"], path).toContain("'nonce-");
    await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
  }
  // Client-side navigation and a detail page, once hydrated.
  await open(page, "/logs/cdr");
  await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: "Web Sessions" }).click();
  await expect(page).toHaveURL(/\/logs\/web-sessions$/);
  await expect(page.getByRole("table").locator("tbody tr").first()).toBeVisible();
  await page.getByRole("table").locator("tbody tr").first().getByRole("link").first().click();
  await expect(page).toHaveURL(/\/logs\/web-sessions\/\d+$/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  expect(violations).toEqual([]);
});

test.describe("signed out", () => {
  test.use({ storageState: { cookies: [], origins: [] } });

  test("the login page keeps its Content-Security-Policy too", async ({ page }) => {
    const violations = await watchViolations(page);
    await open(page, "/login");
    await expect(page.getByLabel("Username")).toBeVisible();
    expect(violations).toEqual([]);
    // The watcher itself works: an image from another site is a violation it reports.
    await page.evaluate(() => {
      const img = document.createElement("img");
      img.src = "https://evil.example/pixel.png";
      document.body.append(img);
    });
    await expect.poll(() => violations.length).toBeGreaterThan(0);
    expect(violations[0]).toContain("img-src");
  });
});
