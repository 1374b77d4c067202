/** The console users the test server is started with, one per role. */
export const USERS = [
  { name: "e2e-admin", role: "admin", password: "e2e-Admin-Secret-1" },
  { name: "e2e-auditor", role: "auditor", password: "e2e-Auditor-Secret-1" },
  { name: "e2e-support", role: "support", password: "e2e-Support-Secret-1" },
] as const;

export const [ADMIN, AUDITOR, SUPPORT] = USERS;

/** Where the global set-up keeps the admin's signed-in browser state. */
export const ADMIN_STATE = "test-results/.auth/admin.json";
