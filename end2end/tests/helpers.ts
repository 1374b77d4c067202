import { expect, type Page } from "@playwright/test";

/** Opens a page and waits until the app has hydrated, so clicks are handled by the router. */
export async function open(page: Page, url: string) {
  await page.goto(url);
  await expect(page.locator("body[data-hydrated]")).toHaveCount(1);
}

/** Logs in through the login form (in a context without the admin's session). */
export async function logIn(page: Page, user: { name: string; password: string }, password = user.password) {
  await open(page, "/login");
  await page.getByLabel("Username").fill(user.name);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Log in" }).click();
}

/** The texts of one column of the list, by its header. */
export async function column(page: Page, name: string): Promise<string[]> {
  const table = page.getByRole("table");
  const headers = (await table.getByRole("columnheader").allInnerTexts()).map((h) => h.replace(/[▲▼]/g, "").trim());
  const index = headers.indexOf(name);
  expect(index, `column ${name} in ${headers}`).toBeGreaterThanOrEqual(0);
  return table
    .locator("tbody tr")
    .evaluateAll((rows, i) => rows.map((r) => (r.children[i] as HTMLElement).innerText.trim()), index);
}

/** The total row count the list reports ("123 rows · page 1 of 5 · ..."). */
export async function total(page: Page): Promise<number> {
  const text = await page.locator(".summary").innerText();
  return Number(text.split(" ")[0]);
}

/** A minimal RFC 4180 reader: quoted cells, doubled quotes, line breaks inside quotes. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") { row.push(cell); cell = ""; }
    else if (c === "\n") { row.push(cell); rows.push(row); row = []; cell = ""; }
    else if (c !== "\r") cell += c;
  }
  if (cell !== "" || row.length) { row.push(cell); rows.push(row); }
  return rows;
}

/** The chips of the filters in force, above the list. */
export function filterChips(page: Page) {
  return page.getByRole("list", { name: "Filtered by:" }).getByRole("listitem");
}
