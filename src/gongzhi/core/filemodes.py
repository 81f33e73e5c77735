"""Files that hold personal data are the owner's alone: the SQLite database and its -wal/-shm files
0600 (settings make the var dir 0700 and uploads 0600 in 0700 directories; issue 13 point 10).

SQLite creates a new database with the process umask (often 0644) and gives -wal/-shm the mode of
the database file, so tightening the database file when a connection opens covers all three."""

import os
import stat
from pathlib import Path
from typing import Any

OWNER_ONLY = 0o600


def owner_only_sqlite(*, connection: Any, **_kwargs: Any) -> None:
    """connection_created receiver: chmod the SQLite file (and -wal, -shm) to 0600 if it is ours."""
    if connection.vendor != "sqlite":
        return
    name = str(connection.settings_dict.get("NAME") or "")
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    for path in (Path(name), Path(f"{name}-wal"), Path(f"{name}-shm")):
        try:
            info = path.stat()
        except FileNotFoundError:
            continue
        if info.st_uid == os.getuid() and stat.S_IMODE(info.st_mode) != OWNER_ONLY:
            path.chmod(OWNER_ONLY)
