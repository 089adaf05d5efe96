"""Use-cases shared by the GUI and the CLI. Qt-free, blocking; callers choose the thread."""
