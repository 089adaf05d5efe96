"""PDF reports drawn with reportlab: plan on a page, star progress, case chronology."""
