"""The examples under ``examples/`` run, and the README's "Testing your client" and docs/pytest-plugin.md
show them verbatim, so they never rot."""

import json
import re
from pathlib import Path

from mockserver.profile import DEFAULT

DEFAULT_PROFILE = DEFAULT.to_json()

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def test_the_examples_pass_with_nothing_but_the_installed_plugin(pytester):
    _copy_examples(pytester)
    # Warnings are errors, except one that only pytest-inside-pytest from the source tree
    # raises: the outer run already imported the package pytest wants to rewrite.
    result = pytester.runpytest("-W", "error", "-W", "ignore::pytest.PytestAssertRewriteWarning")
    written = sum(path.read_text("utf-8").count("\ndef test_") for path in EXAMPLES.glob("test_*.py"))
    outcomes = result.parseoutcomes()
    assert set(outcomes) == {"passed"}, result.stdout.str()  # nothing failed, errored or skipped
    assert outcomes["passed"] >= written >= 8  # parametrized tests count more than once


def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, re.DOTALL)


def _section(text: str, heading: str) -> str:
    section = text[text.index(heading) :]
    following = re.search(r"^## ", section[3:], re.MULTILINE)
    return section[: following.start() + 3] if following else section


def _assert_in_examples(blocks: list[str], where: str) -> None:
    sources = [path.read_text("utf-8") for path in EXAMPLES.glob("*.py")]
    for block in blocks:
        assert any(block in source for source in sources), f"{where} block not in examples/:\n{block}"


def test_the_readme_shows_one_fixture_example_verbatim():
    readme = (ROOT / "README.md").read_text("utf-8")
    blocks = _python_blocks(_section(readme, "## Testing your client"))
    assert len(blocks) == 1
    assert "inventory_mock" in blocks[0]
    _assert_in_examples(blocks, "README")


def test_the_plugin_page_shows_the_examples_verbatim():
    blocks = _python_blocks((ROOT / "docs" / "pytest-plugin.md").read_text("utf-8"))
    assert len(blocks) >= 3
    _assert_in_examples(blocks, "docs/pytest-plugin.md")


# -- variants, mutants and the calibrated profile (docs/variants-and-mutants.md) ----------------

BEHAVIOURS_DOC = ROOT / "docs" / "variants-and-mutants.md"


def _copy_examples(pytester) -> None:
    for source in [*EXAMPLES.glob("*.py"), *EXAMPLES.glob("*.json")]:
        pytester.path.joinpath(source.name).write_text(source.read_text("utf-8"), "utf-8")


def summary_section(lines: list[str], title: str) -> list[str]:
    """The lines of the terminal summary section whose ``===`` header names ``title``."""
    start = next(i for i, line in enumerate(lines) if line.startswith("=") and title in line)
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith("=")), len(lines))
    return lines[start + 1 : end]


def failed_tests(lines: list[str]) -> list[str]:
    """``FAILED nodeid`` lines of the short summary, without their messages."""
    return sorted(line.split(" - ", 1)[0] for line in lines if line.startswith("FAILED "))


def documented_output(name: str) -> list[str]:
    text = BEHAVIOURS_DOC.read_text("utf-8")
    block = re.search(rf"<!-- output: {name} -->\n```text\n(.*?)```", text, re.DOTALL)
    assert block, f"no output block {name!r} in {BEHAVIOURS_DOC.name}"
    return block.group(1).splitlines()


def _run(pytester, *args: str):
    _copy_examples(pytester)
    return pytester.runpytest("-p", "no:cacheprovider", "-rf", "-W", "ignore::pytest.PytestAssertRewriteWarning", *args)


def test_the_variants_report_of_the_examples_is_the_one_in_the_docs(pytester):
    result = _run(pytester, "--inventory-variants")
    assert result.ret == 0
    assert summary_section(result.outlines, "inventory variants") == documented_output("variants")


def test_the_mutation_score_of_the_examples_is_the_one_in_the_docs(pytester):
    result = _run(pytester, "--inventory-mutants")
    assert result.ret == 0
    assert summary_section(result.outlines, "inventory mutants") == documented_output("mutants")


def test_the_calibrated_profile_fails_exactly_the_tests_the_variants_named(pytester):
    profile = json.loads((EXAMPLES / "staging-profile.json").read_text("utf-8"))
    result = _run(pytester, "-o", "inventory_profile=staging-profile.json")
    failed = failed_tests(result.outlines)
    assert failed == documented_output("staging")
    report = pytester.path / "variants.json"
    _run(pytester, "--inventory-variants", f"--inventory-variants-report={report}")
    changed = {key for key, value in profile.items() if key in DEFAULT_PROFILE and DEFAULT_PROFILE[key] != value}
    named = {
        test["test"]
        for test in json.loads(report.read_text())["tests"]
        for dependency in test["depends_on"]
        if len(dependency["changes"]) == 1 and set(dependency["changes"]) <= changed
        and all(profile[k] == v for k, v in dependency["changes"].items())
    }  # fmt: skip
    assert {line.removeprefix("FAILED ") for line in failed} <= named
