"""Pure domain model: entities, value objects and rules. No I/O, no SQL, no Qt."""
