"""``qianbai template`` (the blank registry to fill in) and ``qianbai schema`` (the JSON
Schema of the facility record)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from qianbai_rules.cli import options
from qianbai_rules.cli.common import say
from qianbai_rules.cli.options import USAGE_ERROR
from qianbai_rules.core.jsontext import indented_json
from qianbai_rules.core.resources import rules_dir, templates_dir
from qianbai_rules.io import writing
from qianbai_rules.io.writing import ReportError
from qianbai_rules.model.record import FacilityRecord


def add_parsers(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Their help texts are the catalogue's, in the parser's language (cli/parser.py)."""
    commands.add_parser("schema")
    template = commands.add_parser("template")
    options.add_output(template, metavar="FILE", required=True)
    options.add_lang(template)
    options.add_force(template)


def template_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from qianbai_rules.io.template import write_template

    try:
        with writing.output_policy(writing.OutputPolicy(
                args.force, sealed=frozenset((rules_dir(), templates_dir())))):
            write_template(Path(args.output), args.lang)
    except ReportError as exc:
        say(f"qianbai: {exc.text(args.lang)}", err)
        return USAGE_ERROR
    except OSError as exc:
        say(f"qianbai: {args.output}: {exc.strerror or exc}", err)
        return USAGE_ERROR
    return 0


def schema_command(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    schema = FacilityRecord.model_json_schema()
    out.write(indented_json(schema) + "\n")
    return 0
