"""Migration helpers copier runs from `_migrations` in copier.yml.

    python scripts/migrate.py move OLD NEW

moves a file the template renamed, before the update computes the user's diff,
so the user's edits follow the file to its new name. Copier reads the user's
changes from the git index, so a tracked file is moved with `git mv`.
"""

import shutil
import subprocess
import sys
from pathlib import Path


def move(old: Path, new: Path) -> str:
    """Move ``old`` to ``new`` when only ``old`` exists; say what happened."""
    if not old.exists():
        return f"nothing to move: {old} does not exist"
    if new.exists():
        return f"left {old} in place: {new} already exists"
    new.parent.mkdir(parents=True, exist_ok=True)
    tracked = subprocess.run(
        ["git", "mv", str(old), str(new)], capture_output=True, check=False
    )
    if tracked.returncode != 0:  # not a repository, or an untracked file
        shutil.move(old, new)
    return f"moved {old} to {new}"


def main(arguments: list[str]) -> int:
    if len(arguments) != 3 or arguments[0] != "move":
        print("usage: migrate.py move OLD NEW", file=sys.stderr)
        return 2
    print(move(Path(arguments[1]), Path(arguments[2])), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
