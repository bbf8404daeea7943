"""Hostile files through the functions the pages call: Solde rapide (`QuickBalance.sync`,
anonymous) and Import (`import_upload`). Each is parsed in a child process: French
message, database unchanged when refused, the child's memory within its page's budget."""

from __future__ import annotations

import pytest

from tests.hostile.conftest import CASES, Case, assert_french, checksum, report_texts
from tma_metrics.figures.quick_balance import QuickBalance
from tma_metrics.sources import limits, sandbox
from tma_metrics.store import Store
from tma_metrics.store.contracts_file import local_scope
from tma_metrics.ui.import_page import import_upload


def _check(case: Case, report, bound: limits.Limits) -> None:
    texts = report_texts(report)
    assert_french(texts)
    assert case.expect in texts, texts[:2000]
    assert report.imported is not case.refused, texts[:2000]
    stats = sandbox.last_run()
    assert stats is not None, "the file was not parsed in a child process"
    assert stats.peak_rss <= bound.memory_bytes, f"{stats.peak_rss / 2**20:.0f} Mio"


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_file_on_the_quick_balance_page(case: Case, case_bytes) -> None:
    quick = QuickBalance()
    before = checksum(quick.store.cursor())
    report = quick.sync([(case.name, case_bytes(case))])[0].report
    _check(case, report, limits.QUICK_PAGE)
    if case.refused:
        assert checksum(quick.store.cursor()) == before
        assert not quick.has_data()
    quick.close()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_hostile_file_on_the_import_page(case: Case, case_bytes, db_copy) -> None:
    store = Store(db_copy)
    before = checksum(store.cursor())
    report = import_upload(store, case_bytes(case), case.name, scope=local_scope(()))
    _check(case, report, limits.IMPORT_PAGE)
    after = checksum(store.cursor())
    store.close()
    if case.refused:
        assert after == before
    else:
        assert after["import_batch"][0] == before["import_batch"][0] + 1


def test_a_refused_file_keeps_its_rejected_rows_out_of_the_history(db_copy) -> None:
    from tests.hostile import files

    store = Store(db_copy)
    report = import_upload(store, files.all_rejected_csv(), "rejets.csv", scope=local_scope(()))
    history = store.history(local_scope(()))
    store.close()
    assert not report.imported
    assert "rejets.csv" not in set(history["file_name"])
