"""Service checks shared by `/health/ready` and the `doctor` command."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass

import anyio

# A check that takes longer than this counts as failed: a readiness probe must
# answer before the orchestrator's own timeout.
CHECK_TIMEOUT_SECONDS = 5.0

Check = Callable[[], Awaitable[str | None]]


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    detail: str


def innermost_error(error: BaseException) -> BaseException:
    """The first leaf of an exception group: the error worth showing a person."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return error


async def run_check(check: Check) -> CheckResult:
    """Run one check: ok with its detail, or failed with the error that stopped it."""
    try:
        with anyio.fail_after(CHECK_TIMEOUT_SECONDS):
            detail = await check()
    except TimeoutError:
        return CheckResult(ok=False, detail=f"no answer in {CHECK_TIMEOUT_SECONDS}s")
    except Exception as error:
        cause = innermost_error(error)
        return CheckResult(ok=False, detail=f"{type(cause).__name__}: {cause}")
    return CheckResult(ok=True, detail=detail or "ok")


async def run_checks(checks: Mapping[str, Check]) -> dict[str, CheckResult]:
    """Run every check concurrently; one failure does not hide the others."""
    results: dict[str, CheckResult] = {}

    async def run_into_results(name: str, check: Check) -> None:
        results[name] = await run_check(check)

    async with anyio.create_task_group() as group:
        for name, check in checks.items():
            group.start_soon(run_into_results, name, check)
    return {name: results[name] for name in checks}
