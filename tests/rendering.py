"""Render the template the way a user does, isolated from this machine's settings."""

import shutil
import subprocess
from pathlib import Path

import copier

from tests.answers import TEMPLATE_ROOT, Answers

GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Template Tests",
    "GIT_AUTHOR_EMAIL": "tests@example.com",
    "GIT_COMMITTER_NAME": "Template Tests",
    "GIT_COMMITTER_EMAIL": "tests@example.com",
}


def isolated_environment(home: Path) -> dict[str, str]:
    """Variables that keep copier and git away from the user's own configuration."""
    settings = home / "copier-settings.yml"
    settings.write_text("{}\n")
    git_config = home / "gitconfig"
    git_config.write_text(
        "[commit]\n\tgpgsign = false\n[init]\n\tdefaultBranch = main\n"
    )
    return {
        **GIT_IDENTITY,
        "COPIER_SETTINGS_PATH": str(settings),
        "GIT_CONFIG_GLOBAL": str(git_config),
        "GIT_CONFIG_NOSYSTEM": "1",
    }


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def copy_working_tree(destination: Path) -> None:
    """Copy the template's files as they are now, committed or not (not ignored)."""
    listed = git(
        "ls-files",
        "--cached",
        "--others",
        "--exclude-standard",
        "-z",
        cwd=TEMPLATE_ROOT,
    )
    for name in filter(None, listed.split("\0")):
        source = TEMPLATE_ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def snapshot_template(destination: Path) -> Path:
    """Copy the template's working tree into a fresh repository and commit it.

    Copier records the template commit in the answers file; a dirty template
    would record a draft commit that later updates cannot find.
    """
    copy_working_tree(destination)
    git("init", "--quiet", cwd=destination)
    git("add", "--all", cwd=destination)
    git("commit", "--quiet", "--message", "template snapshot", cwd=destination)
    return destination


def render(
    template: Path,
    destination: Path,
    answers: Answers,
    *,
    vcs_ref: str | None = "HEAD",
    skip_tasks: bool = True,
) -> Path:
    """`copier copy --trust --defaults` with these answers, as the library call.

    The post-copy tasks (git init, uv lock) are skipped unless a test is about them.
    ``vcs_ref=None`` copies a folder that is not a repository, as it is.
    """
    copier.run_copy(
        str(template),
        str(destination),
        data=answers,
        defaults=True,
        unsafe=True,
        vcs_ref=vcs_ref,
        quiet=True,
        skip_tasks=skip_tasks,
    )
    return destination


def project_files(project: Path) -> list[Path]:
    """Every file copier wrote, relative to the project root."""
    return sorted(
        path.relative_to(project)
        for path in project.rglob("*")
        if path.is_file() and ".git" not in path.relative_to(project).parts
    )
