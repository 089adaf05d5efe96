-- Schema version 4: reserved for sync needs-attention (rejected changes) and token rotation (filled in by that work).
SELECT 1;
