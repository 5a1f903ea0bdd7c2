"""Problems found in content files, each tied to a file, a line and a field."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong (or doubtful) in the content: ``path:line: field: message``."""

    path: str
    line: int
    field: str
    message: str
    hint: str = ""
    severity: str = "error"  # "error" stops publishing; "warning" does not

    def __str__(self) -> str:
        text = f"{self.path}:{self.line}: {self.field}: {self.message}"
        if self.severity == "warning":
            text = f"{self.path}:{self.line}: {self.field}: warning: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


@dataclass
class Problems:
    """Collects problems in one run, so that every problem is reported at once."""

    items: list[Problem] = field(default_factory=list)

    def add(
        self,
        path: str,
        line: int,
        fld: str,
        message: str,
        hint: str = "",
        severity: str = "error",
    ) -> None:
        self.items.append(
            Problem(path, max(int(line or 1), 1), fld or "-", message, hint, severity)
        )

    def warn(
        self, path: str, line: int, fld: str, message: str, hint: str = ""
    ) -> None:
        self.add(path, line, fld, message, hint, "warning")

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.items if p.severity == "warning"]

    def sorted(self) -> list[Problem]:
        return sorted(set(self.items))
