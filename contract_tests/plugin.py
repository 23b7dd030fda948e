"""pytest plugin: the Inventory & stock fake as the fixtures ``inventory_mock`` and ``inventory_server``.

Registered as a ``pytest11`` entry point. Ini options ``inventory_seed``,
``inventory_base_url``, ``inventory_strict``; marker ``inventory_allow_invalid``.
The fake itself is imported only when a fixture is used.

Strict mode: the fake records in its journal every request in which the client
broke the API contract. A hook wrapper around the test call fails the test with a
readable report; requests sent later (by fixture teardown code) fail the fixture's
teardown.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pytest

if TYPE_CHECKING:
    from contract_tests._fixture import InventoryFixture, InventoryServerFixture
    from mockserver.profile import Profile
    from mockserver.state.journal import JournalEntry

SEED_OPTION = "inventory_seed"
PROFILE_OPTION = "inventory_profile"
BASE_URL_OPTION = "inventory_base_url"
STRICT_OPTION = "inventory_strict"
ALLOW_INVALID_MARKER = "inventory_allow_invalid"
DEFAULT_BASE_URL = "https://inventory.mock"


@dataclass(frozen=True)
class Settings:
    """The plugin's ini options, checked."""

    seed: Path | None
    base_url: str
    strict: bool
    profile: Profile | None  # None: the default (the fake is imported only when a test needs it)


@dataclass
class _Watch:
    """A fake whose journal strict mode checks for the current test, and what it already reported."""

    fake: InventoryFixture
    fixture: str
    # Entries by id(); holding them keeps their ids from being reused after a reset.
    reported: dict[int, JournalEntry] = field(default_factory=dict)


SETTINGS_KEY = pytest.StashKey[Settings]()
WATCHES_KEY = pytest.StashKey[list[_Watch]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    # One line each in `pytest --help` (56 columns fit beside the option name).
    parser.addini(SEED_OPTION, "Seed JSON file of the inventory fakes (from rootdir)")
    parser.addini(PROFILE_OPTION, "Behaviour profile (JSON/TOML) of the inventory fakes (from rootdir)")
    parser.addini(BASE_URL_OPTION, f"Root URL inventory_mock answers ({DEFAULT_BASE_URL})", default=DEFAULT_BASE_URL)
    parser.addini(STRICT_OPTION, "Fail a test whose client breaks the contract (true)", type="bool", default=True)

    group = parser.getgroup("inventory", "Inventory & stock fake")
    group.addoption(
        "--inventory-variants",
        nargs="?",
        const="report",
        choices=("report", "strict"),
        help="rerun the tests using the inventory fixtures under every behaviour the API document allows, "
        "and report which silent choice each depends on (=strict: such a test fails the run)",
    )
    group.addoption(
        "--inventory-variants-combinations",
        type=int,
        default=_behaviours_module().DEFAULT_COMBINATIONS,
        metavar="N",
        help="seeded random combinations of settings, besides one change at a time (default %(default)s)",
    )
    group.addoption("--inventory-variants-report", metavar="FILE", help="write the variants report as JSON")
    group.addoption(
        "--inventory-mutants",
        action="store_true",
        help="rerun the tests using the inventory fixtures against the fake with one documented rule broken "
        "at a time, and print the mutation score",
    )
    group.addoption("--inventory-mutants-report", metavar="FILE", help="write the mutants report as JSON")


def _behaviours_module() -> Any:
    from contract_tests import _behaviours

    return _behaviours


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        f"{ALLOW_INVALID_MARKER}: the test sends requests that break the Inventory API contract on purpose; "
        "the inventory fixtures' strict mode does not fail it",
    )
    settings = config.stash[SETTINGS_KEY] = _settings(config)
    variants, mutants = config.getoption("inventory_variants"), config.getoption("inventory_mutants")
    if variants or mutants:
        from contract_tests import _behaviours as b
        from mockserver.profile import DEFAULT

        found = [b.BASELINE]
        if variants:
            combinations = config.getoption("inventory_variants_combinations")
            if combinations < 0:
                raise pytest.UsageError("--inventory-variants-combinations must be 0 or more")
            found += b.variants(settings.profile or DEFAULT, combinations)
        if mutants:
            found += b.mutants()
        ledger = b.Ledger({behaviour.id: behaviour for behaviour in found})
        config.pluginmanager.register(b.Reruns(config, ledger, settings.profile), "inventory-reruns")


def _settings(config: pytest.Config) -> Settings:
    seed = str(config.getini(SEED_OPTION)).strip()
    base_url = str(config.getini(BASE_URL_OPTION)).strip().rstrip("/")
    url = urlsplit(base_url)
    if url.scheme not in ("http", "https") or not url.netloc or url.path or url.query or url.fragment:
        raise pytest.UsageError(f"{BASE_URL_OPTION} must be a root URL such as {DEFAULT_BASE_URL} (got {base_url!r})")
    if seed:  # checked once, for the whole session: not one error per test with the fake's frames
        from mockserver import InventoryMock
        from mockserver.errors import SeedError

        try:
            InventoryMock.validate_seed(config.rootpath / seed)
        except SeedError as error:
            raise pytest.UsageError(f"{SEED_OPTION}: {error}") from None
    profile_file = str(config.getini(PROFILE_OPTION)).strip()
    profile = None
    if profile_file:  # checked once, for the whole session
        from mockserver.errors import ProfileError
        from mockserver.profile import Profile

        try:
            profile = Profile.load(config.rootpath / profile_file)
        except ProfileError as error:
            raise pytest.UsageError(f"{PROFILE_OPTION}: {error}") from None
    return Settings(
        seed=config.rootpath / seed if seed else None,
        base_url=base_url,
        strict=bool(config.getini(STRICT_OPTION)),
        profile=profile,
    )


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Generator[None, Any, Any]:
    # Failing the call phase (not the teardown) makes a broken contract a FAILED test
    # with the report as its message, rather than a passed test plus an error.
    try:
        result = yield
    except BaseException:
        report = _new_violations_report(item)
        if report:
            item.add_report_section("call", "inventory contract", report)
        raise
    report = _new_violations_report(item)
    if report:
        pytest.fail(report, pytrace=False)
    return result


def _new_violations_report(item: pytest.Item) -> str | None:
    """The report of violations not reported yet, or ``None`` (also when strict mode is off)."""
    watches = item.stash.get(WATCHES_KEY, [])
    if not watches or not item.config.stash[SETTINGS_KEY].strict or item.get_closest_marker(ALLOW_INVALID_MARKER):
        return None
    from contract_tests._report import contract_report

    reports = []
    for watch in watches:
        fresh = [(entry, v) for entry, v in watch.fake.journal.violations() if id(entry) not in watch.reported]
        watch.reported.update((id(entry), entry) for entry, _ in fresh)
        if fresh:
            reports.append(contract_report(watch.fixture, fresh))
    return "\n\n".join(reports) or None


def _watched(request: pytest.FixtureRequest, fake: InventoryFixture, fixture: str) -> Iterator[Any]:
    request.node.stash.setdefault(WATCHES_KEY, []).append(_Watch(fake, fixture))
    yield fake
    report = _new_violations_report(request.node)
    if report:
        pytest.fail(report, pytrace=False)


@pytest.fixture(scope="session")
def _inventory_mock_fake(pytestconfig: pytest.Config) -> InventoryFixture:
    from contract_tests._fixture import InventoryFixture

    settings = pytestconfig.stash[SETTINGS_KEY]
    return InventoryFixture(settings.seed, base_url=settings.base_url, profile=settings.profile)


@pytest.fixture
def _inventory_behaviour(request: pytest.FixtureRequest) -> tuple[Profile | None, str | None]:
    """(profile, mutant) of this test: the ini profile and no mutant, but for the reruns of
    ``--inventory-variants`` / ``--inventory-mutants`` (contract_tests/_behaviours.py)."""
    behaviour = getattr(request, "param", None)
    reruns = request.config.pluginmanager.get_plugin("inventory-reruns")
    if behaviour is None or reruns is None:
        return None, None
    return reruns.profile_for(behaviour), behaviour.mutant


@pytest.fixture
def inventory_mock(
    request: pytest.FixtureRequest,
    _inventory_mock_fake: InventoryFixture,
    _inventory_behaviour: tuple[Profile | None, str | None],
) -> Iterator[InventoryFixture]:
    """The Inventory & stock fake, fresh for this test, answering ``requests`` calls to
    ``inventory_base_url`` in-process. Other hosts and the test's own ``responses`` mocks work as usual."""
    fake = _inventory_mock_fake
    fake._begin_test(*_inventory_behaviour)
    with fake.intercept(fake.base_url):
        yield from _watched(request, fake, "inventory_mock")


@pytest.fixture(scope="session")
def _inventory_server_fake(pytestconfig: pytest.Config) -> Iterator[InventoryServerFixture]:
    from contract_tests._fixture import InventoryServerFixture

    settings = pytestconfig.stash[SETTINGS_KEY]
    fake = InventoryServerFixture(settings.seed, profile=settings.profile)
    yield fake
    fake._stop()


@pytest.fixture
def inventory_server(
    request: pytest.FixtureRequest,
    _inventory_server_fake: InventoryServerFixture,
    _inventory_behaviour: tuple[Profile | None, str | None],
) -> Iterator[InventoryServerFixture]:
    """The Inventory & stock fake on a loopback socket (``.url``, one server per session,
    state fresh for this test), for clients that do not use ``requests``."""
    fake = _inventory_server_fake
    fake._begin_test(*_inventory_behaviour)
    yield from _watched(request, fake, "inventory_server")
