import { defineConfig } from "@playwright/test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ADMIN_STATE, USERS } from "./tests/users";

// A release server on its own temporary database, filled with demo data that ends at the
// current minute (so that some accounts are registered now): a SQLite file, or the empty
// database PSLOG_E2E_DATABASE names (scripts/test.sh runs the suite on PostgreSQL that way).
const port = Number(process.env.PSLOG_E2E_PORT ?? 3998);
const dir = mkdtempSync(join(tmpdir(), "pslog-e2e-"));
const database = process.env.PSLOG_E2E_DATABASE || `sqlite://${dir}/pslog.db`;
const bin = "../target/release/pslog";
const addUser = (name: string, role: string, password: string) =>
  `PSLOG_PASSWORD=${password} ${bin} --database ${database} user add ${name} --role ${role}`;

export default defineConfig({
  testDir: "./tests",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  // Logs the admin in once; every test starts signed in unless it asks for a fresh context.
  globalSetup: "./global-setup.ts",
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    storageState: ADMIN_STATE,
    acceptDownloads: true,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-sync",
        "--disable-background-networking", "--disable-component-update", "--no-first-run"],
    },
  },
  webServer: {
    command: `${bin} --database ${database} demo --rows 2000 && ` +
      USERS.map((u) => addUser(u.name, u.role, u.password) + " && ").join("") +
      `${bin} --database ${database} serve --addr 127.0.0.1:${port}`,
    url: `http://127.0.0.1:${port}/login`,
    env: { LEPTOS_SITE_ROOT: "../target/site", RUST_LOG: "warn" },
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
  },
});
