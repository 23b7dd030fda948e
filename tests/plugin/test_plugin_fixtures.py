"""The fixtures as an integrator's test suite sees them (run with ``pytester``)."""

import json
import subprocess
import sys
from importlib.metadata import entry_points

import pytest

LIST = "/api/v2/public/orgs/demo-org/inventory"


def test_the_plugin_is_registered_as_a_pytest11_entry_point():
    [plugin] = [ep for ep in entry_points(group="pytest11") if ep.name == "inventory_mock"]
    assert plugin.value == "contract_tests.plugin"


def test_help_shows_each_option_on_one_line(pytester):
    result = pytester.runpytest("--help")
    for option, words in [
        ("inventory_seed (string):", "Seed JSON file"),
        ("inventory_base_url (string):", "https://inventory.mock"),
        ("inventory_strict (bool):", "Fail a test"),
    ]:
        [at] = [i for i, line in enumerate(result.outlines) if line.strip() == option]
        assert words in result.outlines[at + 1]
        assert not result.outlines[at + 2].startswith(" " * 10)  # the help did not wrap
    result = pytester.runpytest("--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.inventory_allow_invalid: *on purpose*"])


@pytest.mark.parametrize("fixture", ["inventory_mock", "inventory_server"])
def test_each_test_gets_the_seed_state_whatever_the_previous_one_did(pytester, fixture):
    pytester.makepyfile(
        f"""
        from datetime import datetime, timezone
        import requests

        def test_changes_everything({fixture}):
            fake = {fixture}
            body = {{"p1_id": 12345, "delta_on_hand": -5, "reason": "sale"}}
            headers = {{"Authorization": "Bearer demo-read-write"}}
            assert requests.post(fake.base_url + "{LIST}/adjust", json=body, headers=headers).status_code == 200
            fake.add_product(777, "Temp", 3)
            fake.add_token("temp-token")
            fake.clock.set(datetime(2020, 1, 1, tzinfo=timezone.utc))
            fake.load_seed({{"orgs": [{{"id": "elsewhere", "products": [], "tokens": []}}]}})
            assert fake.org_id == "elsewhere"

        def test_sees_the_seed({fixture}):
            fake = {fixture}
            assert fake.org_id == "demo-org"
            assert (fake.stock(12345), fake.incoming(12346)) == (50, 40)
            assert len(fake.log(12345)) == 2
            assert 777 not in [p["p1_id"] for p in fake.dump()["orgs"][0]["products"]]
            assert "temp-token" not in fake.dump()["orgs"][0]["tokens"]
            assert fake.clock.now().year > 2020 and not fake.clock.frozen
            assert fake.journal.entries() == []
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_the_fixture_surface(pytester):
    pytester.makepyfile(
        f"""
        from datetime import datetime, timedelta, timezone
        import requests

        def test_surface(inventory_mock):
            fake = inventory_mock
            assert fake.base_url == "https://inventory.mock"
            assert fake.org_id == "demo-org"
            assert fake.tokens == {{
                "read_write": "demo-read-write", "read_only": "demo-read-only", "write_only": "demo-write-only"
            }}
            moment = datetime(2026, 6, 10, 12, tzinfo=timezone.utc)
            fake.clock.set(moment)
            fake.clock.advance(days=1, seconds=30)
            assert fake.clock.now() == moment + timedelta(days=1, seconds=30)
            fake.add_product(50001, "Grinder", 5, incoming=2)
            fake.add_token("pos-token", ["inventory.write"])
            answer = requests.post(
                fake.base_url + "{LIST}/adjust",
                json={{"p1_id": 50001, "delta_on_hand": -1, "reason": "sale", "metadata": {{"k": 1}}}},
                headers={{"Authorization": "Bearer pos-token"}},
            )
            assert answer.status_code == 200
            assert (fake.stock(50001), fake.incoming(50001)) == (4, 2)
            [entry] = fake.log(50001)
            assert entry["id"] == answer.json()["id"]
            assert entry["created_at"] == "2026-06-11T12:00:30Z"
            [request] = fake.journal.entries()
            assert (request.method, request.path, request.status) == ("POST", "{LIST}/adjust", 200)
            assert request.body["metadata"] == {{"k": 1}} and request.violations == ()
            fake.reset()
            assert fake.journal.entries() == [] and fake.stock(12345) == 50
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


def test_relative_seed_path_is_resolved_from_rootdir(pytester, monkeypatch):
    seed = {
        "orgs": [
            {
                "id": "shop-org",
                "products": [{"p1_id": 1, "name": "Tea", "stockquantity": 7}],
                "tokens": [
                    {"token": "rw", "scopes": ["inventory.read", "inventory.write"]},
                    {"token": "ro", "scopes": ["inventory.read"]},
                    {"token": "wo", "scopes": ["inventory.write"]},
                ],
            }
        ]
    }
    pytester.makeini("[pytest]\ninventory_seed = seeds/shop.json\n")
    pytester.mkdir("seeds").joinpath("shop.json").write_text(json.dumps(seed))
    tests = pytester.mkdir("sub")
    tests.joinpath("test_seed.py").write_text(
        "def test_seed(inventory_mock, inventory_server):\n"
        "    for fake in (inventory_mock, inventory_server):\n"
        "        assert (fake.org_id, fake.stock(1)) == ('shop-org', 7)\n"
        "        assert fake.tokens == {'read_write': 'rw', 'read_only': 'ro', 'write_only': 'wo'}\n"
    )
    monkeypatch.chdir(tests)
    pytester.runpytest("test_seed.py").assert_outcomes(passed=1)


@pytest.mark.parametrize(
    ("seed", "expected"),
    [
        (None, "inventory_seed: */nowhere.json: $: cannot read the file: No such file or directory"),
        ("{", "inventory_seed: */nowhere.json: $: not valid JSON: *line 1 column 2"),
        (
            {"orgs": [{"id": "a", "products": [], "tokens": [{"token": "t", "scopes": ["inventory.reed"]}]}]},
            "inventory_seed: */nowhere.json: $.orgs[[]0[]].tokens[[]0[]].scopes[[]0[]]: "
            'must be one of *(got "inventory.reed")',
        ),
    ],
    ids=["missing", "not JSON", "unknown scope"],
)
def test_a_bad_seed_file_is_one_usage_error_for_the_session(pytester, seed, expected):
    pytester.makeini("[pytest]\ninventory_seed = nowhere.json\n")
    if seed is not None:
        pytester.path.joinpath("nowhere.json").write_text(seed if isinstance(seed, str) else json.dumps(seed))
    pytester.makepyfile("def test_a(inventory_mock): pass\ndef test_b(inventory_server): pass\ndef test_c(): pass\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines([f"ERROR: {expected}"])
    assert result.stderr.str().count("inventory_seed:") == 1
    assert "Traceback" not in result.stderr.str() + result.stdout.str()


def test_a_role_the_seed_lacks_names_the_role_the_org_and_the_seed(pytester):
    seed = {
        "orgs": [
            {"id": "acme", "products": [], "tokens": [{"token": "rw", "scopes": ["inventory.read", "inventory.write"]}]}
        ]
    }
    pytester.makeini("[pytest]\ninventory_seed = acme.json\n")
    pytester.path.joinpath("acme.json").write_text(json.dumps(seed))
    pytester.makepyfile(
        "import pytest\n"
        "def test_read_only(inventory_mock):\n"
        "    assert inventory_mock.tokens['read_write'] == 'rw'\n"
        "    inventory_mock.tokens['read_only']\n"
        "def test_get_is_still_a_dict_get(inventory_server):\n"
        "    assert inventory_server.tokens.get('write_only') is None\n"
        "    with pytest.raises(KeyError):\n"
        "        inventory_server.tokens['write_only']\n"
    )
    result = pytester.runpytest()
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*MissingToken: seed */acme.json gives org 'acme' no read_only token (one with exactly the scopes "
            "inventory.read; its roles: read_write): add one to the seed's tokens, or call "
            "add_token(TOKEN, [[]'inventory.read'[]])"
        ]
    )


def test_base_url_option(pytester):
    pytester.makeini("[pytest]\ninventory_base_url = http://stock.internal:8080/\n")
    pytester.makepyfile(
        f"""
        import requests

        def test_url(inventory_mock):
            assert inventory_mock.base_url == "http://stock.internal:8080"
            auth = {{"Authorization": "Bearer demo-read-only"}}
            answer = requests.get("http://stock.internal:8080{LIST}", headers=auth)
            assert answer.json()["data"][0]["p1_id"] == 12345
        """
    )
    pytester.runpytest().assert_outcomes(passed=1)


@pytest.mark.parametrize("url", ["inventory.mock", "ftp://inventory.mock", "https://inventory.mock/api/v2"])
def test_a_base_url_that_is_not_a_root_url_is_a_usage_error(pytester, url):
    pytester.makeini(f"[pytest]\ninventory_base_url = {url}\n")
    result = pytester.runpytest()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*inventory_base_url must be a root URL such as https://inventory.mock*"])


def test_inventory_server_serves_non_requests_clients_from_one_server_per_session(pytester):
    pytester.makepyfile(
        f"""
        import json
        import urllib.request
        import httpx

        PORTS = set()

        def test_urllib(inventory_server):
            assert inventory_server.url == inventory_server.base_url
            assert inventory_server.url.startswith("http://127.0.0.1:")
            request = urllib.request.Request(
                inventory_server.url + "{LIST}", headers={{"Authorization": "Bearer demo-read-only"}}
            )
            with urllib.request.urlopen(request) as answer:
                assert json.load(answer)["data"][1]["p1_id"] == 12346
            PORTS.add(inventory_server.url)

        def test_httpx(inventory_server):
            with httpx.Client(base_url=inventory_server.url) as client:
                answer = client.post(
                    "{LIST}/adjust",
                    json={{"p1_id": 12348, "delta_incoming": -10, "reason": "received"}},
                    headers={{"Authorization": "Bearer demo-read-write"}},
                )
            assert answer.status_code == 200
            assert inventory_server.incoming(12348) == 0
            inventory_server.assert_adjusted(12348, delta_incoming=-10)
            PORTS.add(inventory_server.url)
            assert len(PORTS) == 1
        """
    )
    pytester.runpytest("-p", "no:randomly").assert_outcomes(passed=2)


def test_loading_the_plugin_does_not_import_the_fake():
    # pytest loads the plugin in every run of an environment that has the package;
    # the fake (Flask, jsonschema) is imported only when a fixture is used.
    code = "import sys, contract_tests.plugin; print(sorted(m for m in ('flask', 'mockserver') if m in sys.modules))"
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
