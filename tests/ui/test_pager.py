"""The shared pager: labels, test ids, disabled ends and hiding, as the compiled page code has them."""

from __future__ import annotations

from autogpt_app.ui.components.listing_cards import pager as marketplace_pager
from autogpt_app.ui.components.pager import numbered_pager, pager, state_pager
from autogpt_app.ui.pages import notifications, schedules
from autogpt_app.ui.states.marketplace import MarketplaceSearchState
from autogpt_app.ui.states.notifications import NotificationCentreState
from autogpt_app.ui.states.runs_list import RunsListState
from autogpt_app.ui.states.submissions import SubmissionsState


def _jsx(component) -> str:
    return str(component)


def _hidden_part(code: str) -> str:
    """The code behind the first ``cond ? (...)``: what shows only when there is more than one page."""
    assert "?(" in code, code[:300]
    return code[code.index("?(") :]


def test_buttons_are_labelled_disabled_at_the_ends_and_wired_to_the_events():
    s = NotificationCentreState
    code = _jsx(pager(has_prev=s.has_prev, has_next=s.has_next, on_prev=s.prev_page, on_next=s.next_page))
    assert code.index('"Previous"') < code.index('"Next"')
    assert code.count("RadixThemesButton") == 2 and code.count("disabled:!(") == 2
    assert "has_prev_rx_state_" in code and "has_next_rx_state_" in code
    assert "prev_page" in code and "next_page" in code
    assert "data-testid" not in code  # no ids unless asked for
    assert "?(" not in code  # always shown by default


def test_summary_and_test_ids_are_where_the_browser_tests_look():
    code = _jsx(notifications._pager())
    assert '"data-testid":"centre-pager"' in code and "range_text_rx_state_" in code
    assert code.index('"Previous"') < code.index("centre-pager") < code.index('"Next"')
    assert 'size:"1"' in code

    code = _jsx(
        marketplace_pager(
            MarketplaceSearchState.range_text,
            MarketplaceSearchState.has_prev,
            MarketplaceSearchState.has_next,
            MarketplaceSearchState.prev_page,
            MarketplaceSearchState.next_page,
        )
    )
    for testid in ("page-prev", "page-range", "page-next"):
        assert f'"data-testid":"{testid}"' in code
    assert (
        code.index("LucideChevronLeft")
        < code.index('"Previous"')
        < code.index('"Next"')
        < code.index("LucideChevronRight")
    )


def test_one_page_hides_the_whole_pager_when_asked():
    code = _jsx(state_pager(SubmissionsState, hide_when_single=True))
    assert code.startswith("jsx(Fragment")  # the row sits inside the condition, not beside it
    shown = _hidden_part(code)
    assert '"Previous"' in shown and '"Next"' in shown


def test_one_page_can_hide_only_the_buttons_and_keep_the_summary():
    code = _jsx(schedules._pager())
    assert code.startswith("jsx(RadixThemesFlex")
    assert '"data-testid":"schedules-pager"' in code
    for testid in ("schedules-prev", "schedules-next"):
        assert f'"data-testid":"{testid}"' in code
    # The summary is outside any condition; each button inside one.
    before_first_cond = code[: code.index("?(")]
    assert "schedules-prev" not in before_first_cond
    assert code.count("?(") == 2


def test_numbered_pager_says_page_x_of_y_and_the_count():
    r = RunsListState
    code = _jsx(
        numbered_pager(
            r.page, r.pages, r.total, "run", on_prev=r.prev_page, on_next=r.next_page, summary_testid="runs-pager"
        )
    )
    text = code[code.index('"data-testid":"runs-pager"') :]
    text = text[: text.index("RadixThemesButton")]  # the summary between the buttons
    for piece in ('"Page ",', 'page_rx_state_," of ",', 'pages_rx_state_," \\u00b7 ",', 'total_rx_state_," ",'):
        assert piece in text, piece
    # "1 run", never "1 runs": the noun follows the count.
    assert '=== 1?.valueOf?.()) ? "run" : "runs"' in text
    assert "disabled:!((" in code and "page_rx_state_ > 1" in code and "page_rx_state_ <" in code
