"""The verbs every definition resource shares (workflows, workbooks, ad-hoc actions).

``create``/``update`` send a YAML file as ``text/plain``; ``list``, ``get``, ``delete``;
``validate`` asks the server whether a file is valid.
"""

from __future__ import annotations

import argparse
import dataclasses
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from meltemi.cli import client, output
from meltemi.cli.client import Client
from meltemi.cli.output import Printer


@dataclasses.dataclass(frozen=True)
class Definitions:
    """One definition resource of the API, e.g. ``workflow`` at ``/v2/workflows``."""

    noun: str
    """The singular, as the command is named (``workflow``)."""
    resource: str
    """The collection, as the API names it (``workflows``)."""
    columns: tuple[output.Column, ...]

    @property
    def path(self) -> str:
        """The collection's path."""
        return f"/v2/{self.resource}"

    def add_verbs(self, add: Callable[..., argparse.ArgumentParser]) -> None:
        """Register create, update, list, get, delete and validate."""
        for verb in ("create", "update"):
            parser = add(verb, f"{verb} {self.resource} from a YAML file")
            parser.add_argument("file", metavar="FILE", help="definition (YAML; - for stdin)")
            _scoping(parser)
        _scoping(add("list", f"list {self.resource}"), scope=False)
        get = add("get", f"show one {self.noun}")
        get.add_argument("name", metavar="NAME", help="name or id")
        get.add_argument("--definition", action="store_true", help="print only the definition")
        _scoping(get, scope=False)
        delete = add("delete", f"delete {self.resource}")
        delete.add_argument("names", nargs="+", metavar="NAME", help="names or ids")
        _scoping(delete, scope=False)
        check = add("validate", f"ask the server whether a {self.noun} file is valid")
        check.add_argument("file", metavar="FILE", help="definition (YAML; - for stdin)")

    def handlers(self) -> dict[str, client.Handler]:
        """The verbs' handlers by name."""
        return {
            "create": self.create,
            "update": self.update,
            "list": self.list_,
            "get": self.get,
            "delete": self.delete,
            "validate": self.validate,
        }

    def _members(self, body: Any) -> list[dict[str, Any]]:
        """The resources of a create/update answer (a collection, or one resource)."""
        found = body.get(self.resource, body) if isinstance(body, dict) else body
        return output.decode_all(found if isinstance(found, list) else [found])

    def _send(self, api: Client, method: str, args: argparse.Namespace) -> list[dict[str, Any]]:
        text = client.read_text(args.file)
        body = api.send_text(
            method, self.path, text, namespace=args.namespace or None, scope=args.scope
        )
        return self._members(body)

    def create(self, api: Client, args: argparse.Namespace, out: Printer) -> None:
        """``create FILE``: store every definition of the file."""
        out.items(self._send(api, "POST", args), self.columns)

    def update(self, api: Client, args: argparse.Namespace, out: Printer) -> None:
        """``update FILE``: replace the definitions of the file (each must exist)."""
        out.items(self._send(api, "PUT", args), self.columns)

    def list_(self, api: Client, args: argparse.Namespace, out: Printer) -> None:
        """``list``: every definition (of ``--namespace``, when given)."""
        body = api.get(self.path, namespace=args.namespace or None)
        out.items(output.decode_all(body[self.resource]), self.columns)

    def get(self, api: Client, args: argparse.Namespace, out: Printer) -> None:
        """``get NAME``: one definition, all fields (or only its text)."""
        item = output.decode(api.get(self.item_path(args.name), namespace=args.namespace or None))
        if args.definition and not out.as_json:
            out.file.write(str(item.get("definition") or ""))
            return
        out.item(item)

    def delete(self, api: Client, args: argparse.Namespace, out: Printer) -> None:
        """``delete NAME...``: remove definitions."""
        namespace = args.namespace or None
        out.deleted(
            self.noun,
            args.names,
            lambda name: api.delete(self.item_path(name), namespace=namespace),
        )

    def validate(self, api: Client, args: argparse.Namespace, out: Printer) -> int:
        """``validate FILE``: the server's verdict; exit 1 when the file is invalid."""
        answer = api.send_text("POST", f"{self.path}/validate", client.read_text(args.file))
        if out.as_json:
            out.json(answer)
        elif answer.get("valid"):
            out.note(f"{args.file}: OK")
        else:
            out.note(f"{args.file}: {answer.get('error')}")
        return 0 if answer.get("valid") else 1

    def item_path(self, name: str) -> str:
        """The path of one definition."""
        return f"{self.path}/{quote(name, safe='')}"


def _scoping(parser: argparse.ArgumentParser, *, scope: bool = True) -> None:
    parser.add_argument("--namespace", "-n", default="", help="namespace (default: none)")
    if scope:
        parser.add_argument(
            "--scope", choices=("private", "public"), default="private", help="visibility"
        )
