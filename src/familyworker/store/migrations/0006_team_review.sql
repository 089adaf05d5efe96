-- Schema version 6: reserved for supervisor review markers (filled in by that work).
SELECT 1;
