import { chromium, type FullConfig } from "@playwright/test";
import { ADMIN, ADMIN_STATE } from "./tests/users";

/** Logs the admin in through the login form and saves the session cookie for the tests. */
export default async function globalSetup(config: FullConfig) {
  const { baseURL, launchOptions } = config.projects[0].use;
  const browser = await chromium.launch(launchOptions);
  const page = await browser.newPage({ baseURL });
  await page.goto("/login");
  await page.getByLabel("Username").fill(ADMIN.name);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.waitForURL((url) => url.pathname === "/");
  await page.context().storageState({ path: ADMIN_STATE });
  await browser.close();
}
