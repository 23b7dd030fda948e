"""The examples under ``examples/`` and the README's "Testing your client" run, so they never rot."""

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


def test_the_readme_shows_the_examples_verbatim():
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("## Testing your client") :]
    following = re.search(r"^## ", section[3:], re.MULTILINE)
    if following:
        section = section[: following.start() + 3]
    blocks = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    sources = [path.read_text("utf-8") for path in EXAMPLES.glob("*.py")]
    assert len(blocks) >= 3
    for block in blocks:
        assert any(block in source for source in sources), f"README block not in examples/:\n{block}"
