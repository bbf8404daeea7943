"""GLPI ticket exports in shapes first seen in real public files.

Each fixture of tests/samples/variants/real-glpi-* holds a few rows of our own that
reproduce one quirk of a real export (the real files are not copied):

- a Spanish (Colombian) GLPI export re-saved by a spreadsheet (Apolo713/Taller1
  ``glpi.csv``): no quotes, no trailing ``;``, ``Asignado a: - Técnico`` (colon kept by
  the translation), ``Fecha de Apertura``, dates ``3/02/2026 9:26``, ids ``28 316``;
- a Spanish GLPI 10 export (DavidVinagrero/proyecto_final ``glpi.csv``):
  ``Asignada a - Técnico`` and the SLA column ``Tiempo para resolver``;
- a pt-BR export with ``Tarefas - Duração`` and no ``Duração total``
  (oricardoguerreiro/base-inovit ``glpi.csv``): one duration per task, joined with
  ``<br>``; ``Atribuído - Grupo técnico``;
- a pt-BR GLPI 9 export (uni-marketing/Repository and pedro-longhin/Repository
  ``glpi.csv``): several people in one cell separated by a line break instead of
  ``<br>``, ``Atribuído para - Grupo técnico``.
"""

from __future__ import annotations

import json
from datetime import datetime

import duckdb
import pandas as pd

from tests.sources.conftest import SAMPLES
from tma_metrics.domain.model import ParsedFile
from tma_metrics.sources import read_export

VARIANTS = SAMPLES / "variants"


def read(con: duckdb.DuckDBPyConnection, name: str) -> ParsedFile:
    return read_export(con, VARIANTS / name, name)


def test_glpi_spanish_resaved_with_colon_in_assigned_to(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read(con, "real-glpi-es-resaved-colon.csv")
    assert (parsed.tool, parsed.variant) == ("glpi", "GLPI — tickets (es)")
    assert len(parsed.rejected) == 0
    df = parsed.tickets.df().set_index("key")
    assert sorted(df.index) == ["41207", "41355"]
    first = df.loc["41207"]
    assert first["assignee"] == "Pedro Gómez Gómez"  # "Asignado a: - Técnico"
    assert (first["status"], first["project"]) == ("Cerrado", "CLINICA")
    assert first["created_at"] == datetime(2027, 3, 3, 9, 4)  # "3/03/2027 9:04"
    assert first["closed_at"] == datetime(2027, 3, 18, 17, 24)
    second = df.loc["41355"]
    assert second["assignee"] is None or pd.isna(second["assignee"])
    assert second["created_at"] == datetime(2027, 3, 17, 19, 43)


def test_glpi_spanish_glpi10_asignada_and_sla(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read(con, "real-glpi-es-glpi10-asignada.csv")
    assert parsed.tool == "glpi"
    df = parsed.tickets.df().set_index("key")
    assert df.loc["7", "assignee"] == "tecnico1"  # "Asignada a - Técnico"
    assert df.loc["7", "created_at"] == datetime(2027, 5, 2, 15, 58)
    # The SLA deadline is kept as written, not taken for a measured delay.
    assert json.loads(df.loc["7", "extra"])["Tiempo para resolver"] == "2027-05-03 15:58"


def test_glpi_task_durations_summed_without_total(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read(con, "real-glpi-ptbr-task-duration.csv")
    assert (parsed.tool, parsed.variant) == ("glpi", "GLPI — tickets (pt-BR)")
    assert len(parsed.rejected) == 0
    df = parsed.tickets.df().set_index("key")
    assert df.loc["301", "spent_hours"] == 0.0  # "0 segundo"
    assert df.loc["302", "spent_hours"] == 1.5  # "1 hora<br>30 minutos"
    # GLPI's days are 24 h, every task's days counted: 24 + 48 + 3.
    assert df.loc["303", "spent_hours"] == 75.0
    assert df.loc["302", "assignee"] == "Carla Souza"
    assert df.loc["302", "resolved_at"] == datetime(2027, 7, 21, 12, 16)
    group = json.loads(df.loc["302", "extra"])["Atribuído - Grupo técnico"]
    assert group == "Suporte N1<br>Suporte N2"


def test_glpi9_people_separated_by_line_breaks(con: duckdb.DuckDBPyConnection) -> None:
    parsed = read(con, "real-glpi-ptbr-glpi9-newline.csv")
    assert parsed.tool == "glpi"
    assert len(parsed.rejected) == 0
    df = parsed.tickets.df().set_index("key")
    assert sorted(df.index) == ["228501", "229051"]
    assert df.loc["228501", "assignee"] == "Rita Alves, Paulo Lima"
    assert df.loc["228501", "resolved_at"] == datetime(2027, 3, 23, 8, 58)
    assert df.loc["228501", "closed_at"] == datetime(2027, 3, 24, 9, 9)
    extra = json.loads(df.loc["228501", "extra"])
    assert extra["Atribuído para - Grupo técnico"] == "Central > Marketing"
    assert df.loc["229051", "title"] == '"Tutoriais" do aplicativo'
