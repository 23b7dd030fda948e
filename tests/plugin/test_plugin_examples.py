"""The examples under ``examples/`` run, and the README's "Testing your client" and docs/pytest-plugin.md
show them verbatim, so they never rot."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def test_the_examples_pass_with_nothing_but_the_installed_plugin(pytester):
    for source in EXAMPLES.glob("*.py"):
        pytester.path.joinpath(source.name).write_text(source.read_text("utf-8"), "utf-8")
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
