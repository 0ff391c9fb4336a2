"""Who the demo data signs in as, and the dashboard's demo OAuth application. No Django
imports: the test harness and both services' settings read these."""

SANDBOX_PASSWORD = "sandbox-pass-2026"
ADMIN_EMAIL = "admin@sandbox.test"
EDITOR_EMAIL = "editor@sandbox.test"
READONLY_EMAIL = "viewer@sandbox.test"
OTHER_ACCOUNT_EMAIL = "admin@globex.sandbox.test"
# The application the sandbox registers for the dashboard, and the credentials the
# dashboard uses with KANTATA_SANDBOX on and no real ones set.
DEMO_CLIENT_ID = "kantata-admin-sandbox"
DEMO_CLIENT_SECRET = "sandbox-client-secret-not-for-production"
