"""Fixtures shared by the template's tests."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.rendering import isolated_environment, snapshot_template


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The longest tests first: xdist hands tests out in this order, so the
    minutes-long suites start while the short tests fill the gaps around them,
    instead of one of them starting last and running alone at the end."""
    items.sort(key=lambda item: item.get_closest_marker("long_running") is None)


@pytest.fixture(scope="session", autouse=True)
def isolated_from_this_machine(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[None]:
    """No test reads the developer's copier settings or git configuration."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        for name, value in isolated_environment(home).items():
            patch.setenv(name, value)
        # Generated projects must never download an interpreter behind our back.
        patch.setenv("UV_PYTHON_DOWNLOADS", "never")
        yield


@pytest.fixture(scope="session")
def template(
    tmp_path_factory: pytest.TempPathFactory, isolated_from_this_machine: None
) -> Path:
    """A committed snapshot of the template's working tree to copy from."""
    return snapshot_template(tmp_path_factory.mktemp("template"))
