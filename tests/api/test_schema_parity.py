"""The API's response models mirror the engine's results field by field: this pins it.

`api/schemas.py` keeps response models (for OpenAPI and `from_attributes` validation) next to
the engine's dataclasses in `booking/results.py`. A field added to a result must be exposed or
listed here as deliberately kept out; a response field must exist on its result.
"""

from __future__ import annotations

import dataclasses

import pytest

from ticketapp.api import schemas
from ticketapp.booking import pricing, promo_codes, results, ticket_types, waiting_list

# response model -> (engine result, result fields deliberately not in the response)
MIRRORS = {
    schemas.EventOut: (results.EventDetails, set()),
    schemas.EventSummaryOut: (results.EventSummary, set()),
    schemas.PriceOut: (results.PriceInfo, {"show_id"}),
    schemas.ShowInfoOut: (results.ShowInfo, set()),
    schemas.CategoryOut: (results.CategoryInfo, set()),
    schemas.SeatOut: (results.SeatInfo, set()),
    schemas.GeneralAdmissionOut: (results.GeneralAdmissionSection, set()),
    schemas.SeatMapOut: (results.SeatMap, set()),
    schemas.HoldOut: (results.HoldResult, set()),
    schemas.HoldSeatOut: (results.HoldSeat, set()),
    schemas.HoldViewOut: (results.HoldView, set()),
    schemas.TicketOut: (results.TicketView, set()),
    schemas.BookingOut: (results.BookingView, set()),
    schemas.BookingRowOut: (results.BookingRow, {"cancellable"}),
    schemas.SalesCountsOut: (results.SalesCounts, set()),
    schemas.CategorySalesOut: (results.CategorySales, set()),
    schemas.ShowSalesOut: (results.ShowSales, set()),
    schemas.EventSalesOut: (results.EventSales, set()),
    schemas.DailySalesOut: (results.DailySales, set()),
    schemas.CheckInOut: (results.CheckInResult, set()),
    schemas.CheckInCountsOut: (results.CheckInCounts, set()),
    schemas.DoorShowOut: (results.DoorShow, set()),
    schemas.DoorStaffOut: (results.DoorStaffMember, set()),
    schemas.MailOut: (results.MailView, set()),
    schemas.WaitingPlaceOut: (waiting_list.WaitingPlace, set()),
    schemas.WaitingListEntryOut: (waiting_list.WaitingListEntry, set()),
    schemas.WaitingListOut: (waiting_list.WaitingListSummary, set()),
    schemas.TypeSalesOut: (results.TypeSales, set()),
    schemas.TicketTypeOut: (ticket_types.TicketTypeInfo, set()),
    schemas.PromoCodeOut: (promo_codes.PromoCodeInfo, set()),
    schemas.CheckoutQuoteOut: (pricing.CheckoutQuote, set()),
    schemas.QuoteLineOut: (pricing.Line, set()),
    schemas.ChoiceOut: (ticket_types.Choice, set()),
}


def _fields(cls: type) -> set[str]:
    properties = {n for n in dir(cls) if isinstance(getattr(cls, n, None), property)}
    return {f.name for f in dataclasses.fields(cls)} | properties


@pytest.mark.parametrize("model", list(MIRRORS), ids=lambda m: m.__name__)
def test_a_response_model_has_exactly_its_results_fields(model):
    result, kept_out = MIRRORS[model]
    assert set(model.model_fields) == _fields(result) - kept_out


def test_a_show_is_its_details_with_prices_counts_and_sales():
    show = set(schemas.ShowOut.model_fields)
    summary = _fields(results.ShowSummary) - {"show", "editable", "sold_out", "few_left"}
    details = _fields(results.ShowDetails) - {"created_at", "inventory_version"}
    assert show == details | summary
