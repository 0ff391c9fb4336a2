"""Who the demo data signs in as. No Django imports: the test harness reads these."""

SANDBOX_PASSWORD = "sandbox-pass-2026"
ADMIN_EMAIL = "admin@sandbox.test"
EDITOR_EMAIL = "editor@sandbox.test"
READONLY_EMAIL = "viewer@sandbox.test"
OTHER_ACCOUNT_EMAIL = "admin@globex.sandbox.test"
