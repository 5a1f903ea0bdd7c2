"""Site-wide pages: home, health check, language choice, static files."""
