"""FamilyWorker sync server: enrolment, push, pull and merge for the desktop clients."""
