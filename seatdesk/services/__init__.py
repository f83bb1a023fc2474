"""Services: one transaction per call, frozen views out, permissions checked here."""
