"""The catalogue of legal sources (法律依据) that variables and decisions cite by key."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import ParameterFileError
from .parameters import Reference, Verification


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    reference: Reference
    verified: Verification
    quote: str | None = None

    def to_dict(self, key: str) -> dict[str, object]:
        return {
            "key": key,
            "verified": self.verified,
            **self.reference.model_dump(exclude_none=True),
            **({"quote": self.quote} if self.quote else {}),
        }


def load_sources(path: Path) -> dict[str, Source]:
    import yaml  # only when parsing: a start from the model cache needs no YAML

    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, dict):
        raise ParameterFileError(f"{path.name}: expected a mapping of source keys", file=path.name)
    sources: dict[str, Source] = {}
    for key, body in raw.items():
        try:
            sources[str(key)] = Source.model_validate(body)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            raise ParameterFileError(f"{path.name}: {key}: {problems}", file=path.name, key=str(key)) from exc
    return sources
