"""Behaviour profiles: every decision the API document leaves open, as one named setting.

The default ``Profile()`` is the fake's historical behaviour (docs/design.md). A profile
never touches a documented rule: stock stays >= 0, scopes, orgs, the 404, the log cap
and the ``days`` window are not settings. Format: ``schemas/profile.json``; docs/profiles.md.
"""

from __future__ import annotations

import json
import tomllib
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any, Literal

import schemas
from mockserver.errors import ProfileError

HARD_BODY_CAP = 16 * 1024 * 1024  # even a profile without a body limit never reads more


@dataclass(frozen=True, slots=True)
class Limits:
    """Size limits of an adjust (``None``: no limit of its own)."""

    reason_max_length: int | None = 500
    shop_id_max_length: int | None = 200
    metadata_max_bytes: int | None = 16 * 1024
    body_max_bytes: int | None = 64 * 1024

    @property
    def body_cap(self) -> int:
        """The most bytes of a body the fake reads."""
        return HARD_BODY_CAP if self.body_max_bytes is None else self.body_max_bytes


LIMIT_PRESETS: dict[str, Limits] = {
    "default": Limits(),
    "none": Limits(None, None, None, None),
    "smaller": Limits(64, 32, 1024, 4096),
}


@dataclass(frozen=True, slots=True)
class Profile:
    """One value per silent choice; the defaults are the fake's own choices."""

    below_zero_status: Literal[409, 422, 400] = 409
    error_body: Literal["error", "detail", "problem"] = "error"
    list_order: Literal["p1_id", "insertion", "descending"] = "p1_id"
    history_order: Literal["oldest_first", "newest_first"] = "oldest_first"
    unknown_fields: Literal["refuse", "ignore"] = "refuse"
    metadata: Literal["any", "object"] = "any"
    p1_id_in_body: Literal["int_or_string", "string", "int"] = "int_or_string"
    timestamps: Literal["seconds", "milliseconds"] = "seconds"
    content_type: Literal["checked", "unchecked"] = "checked"
    limits: Limits = field(default_factory=Limits)
    adjust_status: Literal[200, 201] = 200
    name: str | None = None

    @classmethod
    def load(cls, source: ProfileSource) -> Profile:
        """A profile from a ``.json``/``.toml`` path, a dict, a ``Profile``, or ``None`` (the default)."""
        if source is None:
            return cls()
        if isinstance(source, Profile):
            return source
        if isinstance(source, dict):
            return cls.from_json(source, "profile")
        path = Path(source)
        try:
            text = path.read_text("utf-8")
            data = tomllib.loads(text) if path.suffix == ".toml" else json.loads(text)
        except OSError as error:
            raise ProfileError(str(path), "$", f"cannot be read ({error.strerror or error})") from None
        except (ValueError, tomllib.TOMLDecodeError) as error:
            kind = "TOML" if path.suffix == ".toml" else "JSON"
            raise ProfileError(str(path), "$", f"is not valid {kind} ({error})") from None
        return cls.from_json(data, str(path))

    @classmethod
    def from_json(cls, data: Any, source: str = "profile") -> Profile:
        """Validate ``data`` against ``schemas/profile.json`` and build the profile."""
        problems = schemas.violations("profile", data, limit=1)
        if problems:
            raise ProfileError(source, problems[0].path, problems[0].message)
        values = {key: value for key, value in data.items() if key not in ("$schema", "calibration")}
        limits = Limits(**{**asdict(Limits()), **values.pop("limits", {})})
        return cls(**values, limits=limits)

    def to_json(self) -> dict[str, Any]:
        """Every setting, defaults included (``from_json(to_json())`` is the same profile)."""
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("limits", "name")}
        data["limits"] = asdict(self.limits)
        if self.name is not None:
            data["name"] = self.name
        return data

    def changed(self) -> dict[str, Any]:
        """Only the settings that differ from the default."""
        default = Profile().to_json()
        return {key: value for key, value in self.to_json().items() if key != "name" and default.get(key) != value}


ProfileSource = Profile | dict[str, Any] | str | Path | None


def _alternatives() -> dict[str, list[Any]]:
    """For each setting, every value but the default (limits: the none and smaller presets)."""
    spec = schemas.load("profile")["properties"]
    default = Profile().to_json()
    found: dict[str, list[Any]] = {}
    for name in default:
        if name == "limits":
            found[name] = [asdict(LIMIT_PRESETS["none"]), asdict(LIMIT_PRESETS["smaller"])]
        else:
            found[name] = [value for value in spec[name]["enum"] if value != default[name]]
    return found


ALTERNATIVES = _alternatives()
DEFAULT = Profile()
