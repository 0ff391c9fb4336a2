# The core app has no models of its own. This module exists because Django sends
# post_migrate only to apps with a models module, and core creates the database cache
# table then (see apps.py).
