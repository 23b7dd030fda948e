"""Reruns of the tests that use the fixtures, under other behaviours of the fake.

``--inventory-variants``: under each alternative profile (one silent choice changed at a
time from the ini profile, plus a few seeded combinations): which tests depend on a choice
the API document never made. ``--inventory-mutants``: under the fake with one documented
rule broken at a time: which broken rules the suite would not notice.

Each behaviour is one more parametrization of every test that uses ``inventory_mock`` or
``inventory_server`` (one extra run per behaviour, and xdist spreads them like any test).
The outcome of each run travels on its report (``inventory_outcome``), so the controller
of an xdist run sees them all; ``Ledger`` turns them into the reports.
"""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from mockserver.profile import Profile

PARAM = "_inventory_behaviour"
FIXTURES = ("inventory_mock", "inventory_server")
OUTCOME = "inventory_outcome"  # the report attribute
DEFAULT_COMBINATIONS = 3
COMBINATION_SEED = 20261202
VARIANTS_FORMAT = "inventory-variants-report/1"
MUTANTS_FORMAT = "inventory-mutants-report/1"

# setting -> (what the changed fake does, with {value}; what a robust client does instead)
SILENT_CHOICES: dict[str, tuple[str, str]] = {
    "below_zero_status": (
        "a below-zero adjust is refused with {value}",
        "the API document names no status for this refusal: "
        "handle any 4xx, or confirm the status with the API's owners",
    ),
    "error_body": (
        "error bodies take the {value} shape",
        "the document shows no error body: read the status, and the body only if it parses",
    ),
    "list_order": (
        "the inventory list is in {value} order",
        "the document names no order for the list: look products up by p1_id",
    ),
    "history_order": (
        "history days come {value}",
        "the document names no order for history days: sort them by date",
    ),
    "unknown_fields": (
        "adjust fields the document does not name are {value}d",
        "send only the documented fields, and do not count on extra ones being stored or refused",
    ),
    "metadata": (
        "adjust metadata must be {value}",
        "the document says 'arbitrary JSON' without limits: send an object, and handle a 4xx",
    ),
    "p1_id_in_body": (
        "an adjust's p1_id is taken as {value}",
        "the document's adjust example sends p1_id as a string (answers show an integer): send the string",
    ),
    "timestamps": (
        "timestamps carry {value}",
        "parse created_at / last_activity as ISO 8601 with or without fractional seconds",
    ),
    "content_type": (
        "the Content-Type of an adjust is {value}",
        "always send Content-Type: application/json",
    ),
    "limits": (
        "size limits are {value}",
        "the document names no size limit: keep reasons and shop ids short and handle a 4xx",
    ),
    "adjust_status": (
        "an accepted adjust answers {value}",
        "the document shows the body, not the status: accept any 2xx",
    ),
}


# Profile values a faithful server may take, but that refuse the document's own adjust example
# (p1_id "12345" as a string): a client that follows the example is right, so no variant
# holds them against it.
AGAINST_THE_EXAMPLE = {"p1_id_in_body": "int"}


def _against_the_example(name: str, value: Any) -> bool:
    return name in AGAINST_THE_EXAMPLE and AGAINST_THE_EXAMPLE[name] == value


@dataclass(frozen=True)
class Behaviour:
    """One way the fake may behave for a rerun: a profile change or a mutant (or neither)."""

    id: str
    kind: str  # baseline | variant | mutant
    changes: dict[str, Any] = field(default_factory=dict)  # variant: settings changed from the ini profile
    mutant: str | None = None

    def describe(self) -> str:
        """``fails when …`` text of a variant."""
        return " and ".join(_when(name, value) for name, value in self.changes.items())


BASELINE = Behaviour("baseline", "baseline")


def _when(name: str, *values: Any) -> str:
    """``a below-zero adjust is refused with 422 or 400``."""
    return SILENT_CHOICES[name][0].format(value=" or ".join(map(_shown, values)))


def _shown(value: Any) -> str:
    if isinstance(value, dict):
        if all(v is None for v in value.values()):
            return "none"
        return ", ".join(f"{k.removesuffix('_max_length').removesuffix('_max_bytes')} {v}" for k, v in value.items())
    return str(value).replace("_", " ")


def _label(value: Any) -> str:
    if isinstance(value, dict):
        return "none" if all(v is None for v in value.values()) else "smaller"
    return str(value)


def variants(base: Profile, combinations: int, seed: int = COMBINATION_SEED) -> list[Behaviour]:
    """Every other value of every setting, one at a time from ``base``; then ``combinations``
    seeded random profiles (each setting drawn from all its values)."""
    from mockserver.profile import ALTERNATIVES, DEFAULT

    start = base.to_json()
    every = {name: [DEFAULT.to_json()[name], *values] for name, values in ALTERNATIVES.items()}
    found = [
        Behaviour(f"{name}={_label(value)}", "variant", {name: value})
        for name, values in every.items()
        for value in values
        if value != start[name] and not _against_the_example(name, value)
    ]
    rng = random.Random(seed)
    for n in range(combinations):
        drawn = {
            name: rng.choice([v for v in values if not _against_the_example(name, v)]) for name, values in every.items()
        }
        changes = {name: value for name, value in drawn.items() if value != start[name]}
        if changes:
            found.append(Behaviour(f"combination-{n + 1}", "variant", changes))
    return found


def mutants() -> list[Behaviour]:
    """One rerun per mutant of the fake (one documented rule broken)."""
    from mockserver.mutants import MUTANTS

    return [Behaviour(f"mutant-{name}", "mutant", mutant=name) for name in MUTANTS]


def profile_of(base: Profile, behaviour: Behaviour) -> Profile:
    """``base`` with the behaviour's changes."""
    if not behaviour.changes:
        return base
    from mockserver.profile import Profile

    data = {key: value for key, value in base.to_json().items() if key != "name"}
    return Profile.load({**data, **behaviour.changes, "name": f"{base.name or 'profile'} + {behaviour.id}"})


# -- outcomes -------------------------------------------------------------------------------


def test_key(item: pytest.Item, behaviour: Behaviour) -> tuple[str, str]:
    """(nodeid, name) of the test without the behaviour's part of its id."""
    callspec = getattr(item, "callspec", None)
    ids = callspec.id if callspec is not None else ""
    mine = behaviour.id
    if ids == mine:
        rest = ""
    elif ids.endswith(f"-{mine}"):
        rest = ids[: -len(mine) - 1]
    elif ids.startswith(f"{mine}-"):
        rest = ids[len(mine) + 1 :]
    else:
        rest = ids.replace(f"-{mine}-", "-")
    suffix = f"[{rest}]" if rest else ""
    return item.nodeid.split("[", 1)[0] + suffix, item.name.split("[", 1)[0] + suffix


def _failure_line(report: pytest.TestReport) -> str:
    """The first ``E`` line of a failure (else its last line), shortened."""
    text = str(report.longrepr) if report.longrepr is not None else ""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line[1:].strip() for line in lines if line.startswith("E ")]
    return (errors[0] if errors else lines[-1] if lines else "")[:200]


def outcome(item: pytest.Item, behaviour: Behaviour, report: pytest.TestReport) -> dict[str, Any]:
    """What the report of one phase of a rerun says, for the ledger."""
    nodeid, name = test_key(item, behaviour)
    return {
        "test": nodeid,
        "name": name,
        "behaviour": behaviour.id,
        "kind": behaviour.kind,
        "when": report.when,
        "failed": bool(report.failed),
        "message": _failure_line(report) if report.failed else "",
    }


@dataclass
class Ledger:
    """Every rerun's outcome, by test and behaviour (on the xdist controller: all of them)."""

    behaviours: dict[str, Behaviour]
    failed: dict[tuple[str, str], str] = field(default_factory=dict)  # (test, behaviour) -> message
    ran: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))  # test -> behaviours
    names: dict[str, str] = field(default_factory=dict)

    def add(self, data: dict[str, Any]) -> None:
        test, behaviour = data["test"], data["behaviour"]
        self.names[test] = data["name"]
        self.ran[test].add(behaviour)
        if data["failed"] and (test, behaviour) not in self.failed:
            self.failed[(test, behaviour)] = data["message"]

    def _baseline_passed(self, test: str) -> bool:
        return BASELINE.id in self.ran[test] and (test, BASELINE.id) not in self.failed

    # -- variants -------------------------------------------------------------------------

    def dependencies(self) -> dict[str, list[Behaviour]]:
        """Tests that pass as configured and fail under some variant: the variants."""
        found: dict[str, list[Behaviour]] = {}
        for test in sorted(self.ran):
            if not self._baseline_passed(test):
                continue
            failing = [b for b in self.behaviours.values() if b.kind == "variant" and (test, b.id) in self.failed]
            if failing:
                found[test] = failing
        return found

    def variants_text(self, profile_label: str) -> list[str]:
        found = self.dependencies()
        judged = [t for t in self.ran if any(self.behaviours[b].kind == "variant" for b in self.ran[t])]
        count = sum(b.kind == "variant" for b in self.behaviours.values())
        lines = [
            f"{len(found)} of {len(judged)} tests depend on a choice the API document never made "
            f"({count} variants of the {profile_label})"
        ]
        for test, failing in found.items():
            by_setting: dict[str, list[Any]] = {}
            for b in failing:
                if len(b.changes) == 1:
                    [(name, value)] = b.changes.items()
                    by_setting.setdefault(name, []).append(value)
            lead = f"{self.names[test]}: passes with the {profile_label}, fails when "
            for n, (name, values) in enumerate(by_setting.items()):
                lines.append((lead if n == 0 else "  and fails when ") + _when(name, *values))
                lines.append(f"    {SILENT_CHOICES[name][1]}")
            if not by_setting:  # only combinations fail: the settings act together
                lines.append(lead + failing[0].describe())
            first = failing[0]
            if self.failed[(test, first.id)]:
                lines.append(f"    ({first.id}: {self.failed[(test, first.id)]})")
        skipped = [self.names[t] for t in judged if not self._baseline_passed(t)]
        if skipped:
            lines.append(f"not judged (they fail as configured): {', '.join(sorted(skipped))}")
        return lines

    def variants_json(self, profile: dict[str, Any]) -> dict[str, Any]:
        return {
            "format": VARIANTS_FORMAT,
            "profile": profile,
            "variants": [
                {"id": b.id, "changes": b.changes, "when": b.describe()}
                for b in self.behaviours.values()
                if b.kind == "variant"
            ],
            "tests": [
                {
                    "test": test,
                    "depends_on": [
                        {
                            "variant": b.id,
                            "changes": b.changes,
                            "when": b.describe(),
                            "advice": [SILENT_CHOICES[s][1] for s in b.changes],
                            "failure": self.failed[(test, b.id)],
                        }
                        for b in failing
                    ],
                }
                for test, failing in self.dependencies().items()
            ],
        }

    # -- mutants ----------------------------------------------------------------------------

    def caught_by(self) -> dict[str, list[str]]:
        """Each mutant's name -> the tests (passing as configured) that failed under it."""
        found: dict[str, list[str]] = {}
        for b in self.behaviours.values():
            if b.kind == "mutant" and b.mutant is not None:
                found[b.mutant] = sorted(t for t in self.ran if self._baseline_passed(t) and (t, b.id) in self.failed)
        return found

    def mutants_json(self) -> dict[str, Any]:
        import schemas
        from mockserver.mutants import MUTANTS

        rules = schemas.rules()
        caught = self.caught_by()
        rows = []
        for name, tests in caught.items():
            mutant = MUTANTS[name]
            rows.append(
                {
                    "name": name,
                    "rule": mutant.rule,
                    "quote": rules[mutant.rule]["quote"],
                    "breaks": mutant.breaks,
                    "hint": mutant.hint,
                    "status": "caught" if tests else "survived",
                    "caught_by": tests,
                }
            )
        score = sum(bool(tests) for tests in caught.values())
        judged = sorted(t for t in self.ran if self._baseline_passed(t))
        return {
            "format": MUTANTS_FORMAT,
            "score": {"caught": score, "total": len(rows), "ratio": round(score / len(rows), 3) if rows else None},
            "tests": judged,
            "mutants": rows,
        }

    def mutants_text(self) -> list[str]:
        data = self.mutants_json()
        score = data["score"]
        lines = [
            f"mutation score: {score['caught']} of {score['total']} mutants caught "
            f"by {len(data['tests'])} tests that pass against the faithful fake"
        ]
        for row in data["mutants"]:
            if row["status"] == "caught":
                first = self.names.get(row["caught_by"][0], row["caught_by"][0])
                more = f" (+{len(row['caught_by']) - 1})" if len(row["caught_by"]) > 1 else ""
                lines.append(f"caught    {row['name']} [{row['rule']}] by {first}{more}")
        for row in data["mutants"]:
            if row["status"] == "survived":
                lines.append(f"SURVIVED  {row['name']} [{row['rule']}]: {row['breaks']}")
                lines.append(f"  the document: {row['quote']}")
                lines.append(f"  a test that would catch it: {row['hint']}")
        return lines


class Reruns:
    """The pytest plugin of a variants or mutants run (registered only then)."""

    def __init__(self, config: pytest.Config, ledger: Ledger, profile: Profile | None) -> None:
        self.config = config
        self.ledger = ledger
        self.profile = profile
        self.strict = config.getoption("inventory_variants") == "strict"
        self._profiles: dict[str, Profile] = {}

    def profile_for(self, behaviour: Behaviour) -> Profile | None:
        """The profile a rerun uses (built once per behaviour)."""
        if not behaviour.changes:
            return self.profile
        if behaviour.id not in self._profiles:
            from mockserver.profile import DEFAULT

            self._profiles[behaviour.id] = profile_of(self.profile or DEFAULT, behaviour)
        return self._profiles[behaviour.id]

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        if any(name in metafunc.fixturenames for name in FIXTURES):
            behaviours = list(self.ledger.behaviours.values())
            metafunc.parametrize(PARAM, behaviours, ids=[b.id for b in behaviours], indirect=True)

    @pytest.hookimpl(wrapper=True)
    def pytest_runtest_makereport(self, item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
        report: pytest.TestReport = yield
        behaviour = behaviour_of(item)
        if behaviour is None or not (report.when == "call" or report.failed):
            return report
        setattr(report, OUTCOME, outcome(item, behaviour, report))
        if report.failed and behaviour.kind != "baseline" and not (self.strict and behaviour.kind == "variant"):
            # What the rerun tells is information, not a failure of the run: an xfail with its reason.
            verdict = "the test depends on this choice" if behaviour.kind == "variant" else "the suite caught it"
            report.outcome = "skipped"
            report.wasxfail = f"inventory {behaviour.kind} {behaviour.id}: {verdict}"
        return report

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        data = getattr(report, OUTCOME, None)
        if data is not None:
            self.ledger.add(data)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if hasattr(self.config, "workerinput"):
            return  # an xdist worker: the controller has every outcome and reports
        write = terminalreporter.write_line
        if self.config.getoption("inventory_variants"):
            label = f"ini profile {self.profile.name or ''}".strip() if self.profile else "default profile"
            terminalreporter.write_sep("=", "inventory variants: silent choices the tests depend on")
            for line in self.ledger.variants_text(label):
                write(line)
            path = self.config.getoption("inventory_variants_report")
            if path:
                data = self.ledger.variants_json(self.profile.to_json() if self.profile else {})
                write(f"variants report: {write_json(data, path)}")
        if self.config.getoption("inventory_mutants"):
            terminalreporter.write_sep("=", "inventory mutants: would the tests notice a broken rule?")
            for line in self.ledger.mutants_text():
                write(line)
            path = self.config.getoption("inventory_mutants_report")
            if path:
                write(f"mutants report: {write_json(self.ledger.mutants_json(), path)}")


def behaviour_of(item: pytest.Item) -> Behaviour | None:
    """The behaviour a test item reruns under (``None``: not a rerun)."""
    callspec = getattr(item, "callspec", None)
    found = callspec.params.get(PARAM) if callspec is not None else None
    return found if isinstance(found, Behaviour) else None


def write_json(data: dict[str, Any], path: str | Path) -> Path:
    written = Path(path)
    written.parent.mkdir(parents=True, exist_ok=True)
    written.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return written
