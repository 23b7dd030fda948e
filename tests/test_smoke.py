"""The package imports and the schemas compile."""

import schemas


def test_every_schema_compiles() -> None:
    for name in schemas.SCHEMA_NAMES:
        assert schemas.validator(name).schema["title"]
