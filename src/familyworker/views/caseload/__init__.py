"""The caseload and My week: the main window's pages, adding a family, the programme report."""
