-- Schema version 5: reserved for outcomes, claims and sustainability reviews (filled in by that work).
SELECT 1;
