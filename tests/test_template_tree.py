"""The template tree itself, read without rendering: the job queue's footprint as
copier.yml declares it, where Jinja may live, and how the queue's conditionals look."""

from tests.answers import TEXT_ANSWERS, answer_matrix
from tests.extension import derived
from tests.footprint import (
    queue_off_only_paths,
    queue_only_paths,
    rendered_files,
    with_queue,
)
from tests.static_checks import (
    QUEUE_BLOCK_BUDGET,
    always_files,
    format_counts,
    jinja_suffix_problems,
    queue_block_counts,
    queue_conditional_problems,
    queue_conditionals,
    queue_named_path_problems,
)

ANSWERS = {**TEXT_ANSWERS, "enable_job_queue": True}
PACKAGE = f"src/{derived(ANSWERS)['package_name']}"


def test_the_footprint_is_derived_from_the_exclude_declaration() -> None:
    footprint = queue_only_paths(ANSWERS)

    assert footprint
    assert f"{PACKAGE}/tasks/worker.py" in footprint
    assert "tests/tasks/conftest.py" in footprint
    assert f"{PACKAGE}/tasks/__init__.py" not in footprint
    assert f"{PACKAGE}/tasks/README.md" not in footprint


def test_the_footprint_follows_the_package_name() -> None:
    answers = {**ANSWERS, "project_name": "Ledger Sync"}
    assert "src/ledger_sync/tasks/worker.py" in queue_only_paths(answers)
    assert not any(path.startswith(PACKAGE) for path in queue_only_paths(answers))


def test_with_the_queue_off_tasks_keeps_only_its_stub() -> None:
    # What copier.yml promises. In copier's "gitignore" flavour of pathspec,
    # `tasks/*` would not reach files in subfolders of tasks/; `tasks/**` does.
    tasks = f"{PACKAGE}/tasks/"
    kept = [
        path
        for path in rendered_files(with_queue(ANSWERS, False))
        if path.startswith(tasks)
    ]
    assert sorted(kept) == [f"{tasks}README.md", f"{tasks}__init__.py"]


def test_the_queue_only_ever_adds_files() -> None:
    # Turning the queue off removes its footprint and renders nothing instead.
    assert queue_off_only_paths(ANSWERS) == []


def test_no_file_every_project_has_is_in_the_footprint() -> None:
    for answers in answer_matrix():
        package = f"src/{derived(answers)['package_name']}"
        overlap = set(always_files(package)) & set(queue_only_paths(answers))
        assert not overlap, sorted(overlap)


def test_jinja_suffix_only_on_files_holding_jinja() -> None:
    problems = jinja_suffix_problems()
    assert not problems, "\n".join(problems)


def test_no_path_name_tests_the_queue() -> None:
    problems = queue_named_path_problems()
    assert not problems, "\n".join(problems)


def test_shared_sources_have_few_whole_line_queue_conditionals() -> None:
    counts = queue_block_counts(ANSWERS)
    problems = queue_conditional_problems(ANSWERS)
    report = f"blocks per shared source file (budget {QUEUE_BLOCK_BUDGET}):"
    assert not problems, "\n".join([*problems, report, format_counts(counts)])


def test_the_conditional_scanner() -> None:
    text = "\n".join(
        [
            "{% if enable_job_queue -%}",  # 1: counted, whole line
            "import a",
            "{%- else %}",
            "import b",
            "  {%- endif %}",
            "x = 1{% if not enable_job_queue %}  # off{% endif %}",  # 6: mid-line
            "{% if other %}",  # not the queue: ignored
            "y = {{ 'a' if enable_job_queue else 'b' }}",  # 8: in an expression
            "{% endif %}",
            "{# {% if enable_job_queue %} in a comment #}",  # ignored
            "{% set queue = enable_job_queue %}",
            "{% if queue %}",  # 12: counted through the alias
            "z = 1",
            "{% endif %}  tail",  # 14: its endif shares the line
            "{% if x %}",
            "{% elif enable_job_queue %}",  # 16: counted
            "{% else %}",
            "{% endif %}",
            "{% for item in items %}{% else %}{% endfor %}",  # not the queue
        ]
    )
    found = queue_conditionals(text)
    assert found.blocks == 4
    assert [line for line, _ in found.mid_line] == [6, 8, 14]
