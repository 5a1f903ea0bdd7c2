"""Teaching: classes and meeting cohorts, assignments, dashboards."""
