import { test, expect, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { column, open, parseCsv, total } from "./helpers";

type Case = {
  name: string;
  route: string;
  headers: string[];
  /** A code filter: its label, the code to pick, the column it shows in and how it reads there. */
  code?: { label: string; value: string; column: string; shown?: string };
  /** A text filter and its column; the value is taken from the first row shown. */
  text: { label: string; column: string };
  /** Where the first cell leads, when not to the row's own detail page. */
  opens?: RegExp;
};

const CASES: Case[] = [
  { name: "Security Events", route: "/logs/security", headers: ["Timestamp", "Description", "Event Type", "Processed"],
    code: { label: "Event Type", value: "LOG_IN", column: "Event Type" }, text: { label: "Description", column: "Description" } },
  { name: "System Events", route: "/logs/system", headers: ["Timestamp", "Description", "Details"],
    text: { label: "Description", column: "Description" } },
  { name: "Auditing", route: "/logs/audit", headers: ["Timestamp", "Username", "Change", "Object Type", "Object ID"],
    code: { label: "Change", value: "UPDATE", column: "Change" }, text: { label: "Username", column: "Username" } },
  { name: "Web Sessions", route: "/logs/web-sessions", headers: ["Timestamp", "Result", "Username", "IP Address"],
    code: { label: "Result", value: "SUCCESS", column: "Result" }, text: { label: "IP Address", column: "IP Address" } },
  { name: "Call Detail Records", route: "/logs/cdr", headers: ["Call Date", "Caller Number", "Caller", "Caller Group",
      "Callee Number", "Callee", "Callee Group", "Total Duration", "Call Duration", "Disposition", "Hangup Cause",
      "Call Id", "Call Type", "Call Route"],
    code: { label: "Disposition", value: "ANSWERED", column: "Disposition" }, text: { label: "Caller Number", column: "Caller Number" } },
  { name: "SIP Sessions", route: "/logs/sip-sessions", headers: ["Timestamp", "Event", "Source", "Peername", "Account",
      "Details", "Useragent", "Remoteaddr", "Tlscipher", "Transport", "Reconciled"],
    code: { label: "Event", value: "REGISTER", column: "Event" }, text: { label: "Remoteaddr", column: "Remoteaddr" } },
  { name: "Registered Accounts", route: "/logs/registered", headers: ["Id", "Username", "IpAddr", "Port", "Description",
      "Registration Expires", "UserAgent"],
    text: { label: "UserAgent", column: "UserAgent" }, opens: /\/accounts\/\d+$/ },
  { name: "Secure Messages", route: "/logs/messages", headers: ["UUID", "From", "To", "Tech Message", "API Version",
      "Status", "Send Attempts", "Received", "Processed"],
    code: { label: "Status", value: "DELIVERED", column: "Status" }, text: { label: "Sender", column: "From" } },
  { name: "Install Messages", route: "/logs/install-messages", headers: ["Timestamp", "Account", "Platform", "Variant",
      "Sent", "Sent By", "Recipient", "Message Type"],
    code: { label: "Platform", value: "ANDROID", column: "Platform" }, text: { label: "Sent By", column: "Sent By" } },
  { name: "Activation Messages", route: "/logs/activation-messages", headers: ["Timestamp", "Consumed", "Account", "Sent",
      "Sent By", "Recipient", "Message Type"],
    code: { label: "Message Type", value: "EMAIL", column: "Message Type" }, text: { label: "Recipient", column: "Recipient" } },
];

async function headers(page: Page): Promise<string[]> {
  return (await page.getByRole("table").getByRole("columnheader").allInnerTexts()).map((h) => h.replace(/[▲▼]/g, "").trim());
}

test("the LOGGING menu lists the ten logs in order", async ({ page }) => {
  await open(page, "/");
  const menu = page.getByRole("navigation", { name: "Main menu" }).getByRole("list", { name: "LOGGING" });
  expect(await menu.getByRole("link").allInnerTexts()).toEqual(CASES.map((c) => c.name));
});

for (const c of CASES) {
  test(`${c.name}: menu, filters, detail and CSV`, async ({ page }) => {
    await open(page, "/");
    await page.getByRole("navigation", { name: "Main menu" }).getByRole("link", { name: c.name, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`${c.route}$`));
    await expect(page.getByRole("heading", { level: 1, name: c.name })).toBeVisible();
    // The heading can show before the table of a client-side navigation: poll until it is there.
    await expect.poll(() => headers(page)).toEqual(c.headers);
    await expect(page.getByText("No filters applied")).toBeVisible();

    if (c.code) {
      await page.getByLabel(c.code.label, { exact: true }).selectOption(c.code.value);
      await page.getByRole("button", { name: "Apply" }).click();
      await expect(page).toHaveURL(new RegExp(`=${c.code.value}`));
      await expect(page.getByText(/^Filtered by:/)).toBeVisible();
      const shown = await column(page, c.code.column);
      expect(shown.length).toBeGreaterThan(0);
      expect(new Set(shown)).toEqual(new Set([c.code.shown ?? c.code.value]));
    }
    const first = (await column(page, c.text.column)).find((v) => v.length >= 3);
    expect(first, `a ${c.text.column} value to search by`).toBeTruthy();
    const prefix = first!.slice(0, 3);
    await page.getByLabel(c.text.label, { exact: true }).fill(prefix);
    await page.getByRole("button", { name: "Apply" }).click();
    await expect(page.getByText(new RegExp(`${c.text.label} starts with`))).toBeVisible();
    const matched = await column(page, c.text.column);
    expect(matched.length).toBeGreaterThan(0);
    expect(matched.every((v) => v.startsWith(prefix))).toBeTruthy();
    if (c.code) expect(new Set(await column(page, c.code.column))).toEqual(new Set([c.code.shown ?? c.code.value]));

    // The CSV holds exactly the filtered rows, in the order shown.
    const count = await total(page);
    const firstColumn = await column(page, c.headers[0]);
    const downloading = page.waitForEvent("download");
    await page.getByRole("link", { name: "CSV" }).click();
    const rows = parseCsv(readFileSync(await (await downloading).path(), "utf8"));
    expect(rows[0]).toEqual(c.headers);
    expect(rows.length - 1).toBe(count);
    expect(rows.slice(1, firstColumn.length + 1).map((r) => r[0])).toEqual(firstColumn);
    const textIndex = c.headers.indexOf(c.text.column);
    // Cells that could start a spreadsheet formula ("+44…") carry a leading apostrophe.
    expect(rows.slice(1).every((r) => r[textIndex].replace(/^'(?=[=+\-@\t\r])/, "").startsWith(prefix))).toBeTruthy();

    // The first cell opens the row's detail page (a registration: its account's page).
    await page.getByRole("table").locator("tbody tr").first().getByRole("link").first().click();
    await expect(page).toHaveURL(c.opens ?? new RegExp(`${c.route}/\\d+$`));
    if (!c.opens) await expect(page.getByRole("heading", { name: `${c.name} entry` })).toBeVisible();
    await expect(page.getByText(first!, { exact: !c.opens }).first()).toBeVisible();
  });
}

test("from a TRANSFER row, the Call Id shows every leg of the call", async ({ page }) => {
  await open(page, "/logs/cdr");
  await page.getByLabel("Call Type", { exact: true }).selectOption("TRANSFER");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/call_type=TRANSFER/);
  // The filtered rows, not the list still shown while they load.
  await expect.poll(async () => new Set(await column(page, "Call Type"))).toEqual(new Set(["TRANSFER"]));
  const callId = (await column(page, "Call Id"))[0];
  await page.getByRole("table").locator("tbody tr").first().getByRole("link", { name: callId, exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`call_id=${callId}`));
  await expect(page.getByText(`Call Id = "${callId}"`)).toBeVisible();
  // Wait for the trace itself (the URL changes before the new rows are in): every leg, and
  // only legs of this call.
  await expect
    .poll(async () => {
      const ids = await column(page, "Call Id");
      return ids.length >= 2 && ids.every((id) => id === callId);
    })
    .toBe(true);
  // Oldest leg first: the trace reads in call order.
  const dates = await column(page, "Call Date");
  expect([...dates].sort()).toEqual(dates);
  expect(new Set(await column(page, "Call Type"))).toEqual(new Set(["TRANSFER"]));
});

test("codes explain themselves in tooltips and the legend", async ({ page }) => {
  await open(page, "/logs/cdr?call_type=THREE_WAY");
  await expect(page.getByRole("table").getByLabel(/^3-WAY: A regular call on which more participants were invited/).first()).toBeVisible();
  await page.getByText("What each Hangup Cause means").click();
  await expect(page.getByText("Caller and callee use incompatible security models")).toBeVisible();
});
