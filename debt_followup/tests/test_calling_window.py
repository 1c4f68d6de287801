# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Calling windows as data, the debtor's local time and the next call slot."""

from datetime import datetime

from freezegun import freeze_time

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import DebtFollowupCommon


@tagged("post_install", "-at_install")
class TestCallingWindow(DebtFollowupCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.partner_id.tz = "Europe/Rome"
        Partner = cls.env["res.partner"]
        cls.customer_sp = Partner.create(
            {
                "name": "Comércio Paulista Ltda",
                "is_company": True,
                "country_id": cls.env.ref("base.br").id,
                "state_id": cls.env.ref("base.state_br_sp").id,
                "phone": "+55 11 3333 4444",
            }
        )
        cls.customer_rj = Partner.create(
            {
                "name": "Carioca Serviços Ltda",
                "is_company": True,
                "country_id": cls.env.ref("base.br").id,
                "phone": "+55 21 3333 4444",
            }
        )
        cls.customer_manaus = Partner.create(
            {
                "name": "Amazonas Pescados Ltda",
                "is_company": True,
                "country_id": cls.env.ref("base.br").id,
                "phone": "+55 92 3333 4444",
            }
        )
        cls.customer_pt = Partner.create(
            {
                "name": "Tasca do Porto Lda",
                "is_company": True,
                "country_id": cls.env.ref("base.pt").id,
                "phone": "+351 22 123 4567",
            }
        )

    def test_every_compliance_row_is_shipped(self):
        windows = self.env["debt.followup.calling.window"].search([])
        hours = {
            (w.country_id.code or None, w.state_id.code or None): (
                w.weekday_start,
                w.weekday_end,
                None if w.saturday_closed else (w.saturday_start, w.saturday_end),
                w.sunday_closed,
                w.holidays_closed,
            )
            for w in windows
        }
        self.assertEqual(
            hours,
            {
                ("IT", None): (8.5, 21.0, (8.5, 15.0), True, True),
                ("PT", None): (9.0, 20.0, None, True, True),
                ("BR", None): (8.0, 20.0, (8.0, 14.0), True, True),
                ("BR", "RJ"): (9.0, 19.0, None, True, True),
                ("BR", "ES"): (8.0, 19.0, None, True, True),
                ("BR", "AL"): (8.0, 20.0, (8.0, 14.0), True, True),
                ("BR", "AM"): (8.0, 18.0, (8.0, 14.0), True, True),
                ("BR", "CE"): (8.0, 18.0, None, True, True),
                (None, None): (8.0, 21.0, (8.0, 21.0), True, True),
            },
        )
        self.assertTrue(all(w.note for w in windows))

    def test_italy_after_hours_before_holiday(self):
        # Monday 7 Dec 2026 21:15 Rome = 20:15 UTC; 8 Dec is a holiday in Italy.
        slot = self.customer_it._debt_next_call_slot(datetime(2026, 12, 7, 20, 15))
        self.assertEqual(slot, datetime(2026, 12, 9, 7, 30))  # Wed 08:30 Rome

    def test_sunday_lands_on_monday_morning(self):
        slot = self.customer_it._debt_next_call_slot(datetime(2026, 12, 13, 10, 0))
        self.assertEqual(slot, datetime(2026, 12, 14, 7, 30))

    def test_inside_window_is_the_moment_itself(self):
        moment = datetime(2026, 12, 10, 14, 0)
        self.assertEqual(self.customer_it._debt_next_call_slot(moment), moment)

    @freeze_time("2026-12-10 14:00:00")
    def test_default_is_now_and_can_call_now(self):
        self.assertEqual(self.customer_it._debt_next_call_slot(), datetime(2026, 12, 10, 14, 0))
        self.assertTrue(self._case(self.customer_it).can_call_now)
        self.assertEqual(self._case(self.customer_it).next_call_slot, datetime(2026, 12, 10, 14, 0))
        self.assertIn("15:00 (Europe/Rome)", self._case(self.customer_it).local_time)
        # Manaus is at 10:00 local on a Thursday: allowed too; Rio's 11:00 also.
        self.customer_it.debt_no_contact = True
        self._case(self.customer_it).invalidate_recordset(["can_call_now"])
        self.assertFalse(self._case(self.customer_it).can_call_now)

    @freeze_time("2026-12-10 20:30:00")
    def test_cannot_call_now_shows_next_slot(self):
        # 21:30 Rome: closed; the next slot is Friday 08:30 Rome.
        self.assertFalse(self._case(self.customer_it).can_call_now)
        self.assertEqual(self._case(self.customer_it).next_call_slot, datetime(2026, 12, 11, 7, 30))

    def test_manaus_number_on_national_holiday(self):
        # Monday 7 Sep 2026 (Independence Day) 10:00 Manaus (UTC-4) = 14:00 UTC.
        slot = self.customer_manaus._debt_next_call_slot(datetime(2026, 9, 7, 14, 0))
        self.assertEqual(slot, datetime(2026, 9, 8, 12, 0))  # Tue 08:00 Manaus

    def test_rio_window_differs_from_country_default(self):
        # Tuesday 8 Dec 2026 08:30 Brasília time (UTC-3) = 11:30 UTC: São Paulo
        # opens at 08:00, Rio (state from the area code 21) at 09:00.
        moment = datetime(2026, 12, 8, 11, 30)
        self.assertEqual(self.customer_sp._debt_next_call_slot(moment), moment)
        self.assertEqual(
            self.customer_rj._debt_next_call_slot(moment), datetime(2026, 12, 8, 12, 0)
        )
        # Saturday 12 Dec 10:00 local: São Paulo open, Rio closed until Monday 09:00.
        saturday = datetime(2026, 12, 12, 13, 0)
        self.assertEqual(self.customer_sp._debt_next_call_slot(saturday), saturday)
        self.assertEqual(
            self.customer_rj._debt_next_call_slot(saturday), datetime(2026, 12, 14, 12, 0)
        )

    def test_state_row_then_country_row_then_fallback(self):
        moment = datetime(2026, 12, 8, 11, 30)  # 08:30 in Rio, 06:30 in New York
        self.env.ref("debt_followup.debt_followup_calling_window_brazil_rj").active = False
        self.assertEqual(self.customer_rj._debt_next_call_slot(moment), moment)
        self.env.ref("debt_followup.debt_followup_calling_window_brazil").active = False
        # Fallback row: 08:00-21:00 in Brasília time (phone zone) -> 11:00 UTC, open.
        self.assertEqual(self.customer_rj._debt_next_call_slot(moment), moment)
        us = self.env["res.partner"].create(
            {"name": "Acme Inc", "is_company": True, "phone": "+1 212 555 0100"}
        )
        # 06:30 in New York: the fallback opens at 08:00 EST = 13:00 UTC.
        self.assertEqual(us._debt_next_call_slot(moment), datetime(2026, 12, 8, 13, 0))

    def test_portugal_time_zone_from_company_when_no_phone(self):
        self.customer_pt.phone = False
        self.company.partner_id.tz = "Europe/Lisbon"
        # Friday 11 Dec 2026 08:30 UTC = 08:30 Lisbon: opens at 09:00.
        slot = self.customer_pt._debt_next_call_slot(datetime(2026, 12, 11, 8, 30))
        self.assertEqual(slot, datetime(2026, 12, 11, 9, 0))
        self.customer_pt.tz = "Atlantic/Azores"  # UTC-1: 09:00 Azores = 10:00 UTC
        slot = self.customer_pt._debt_next_call_slot(datetime(2026, 12, 11, 8, 30))
        self.assertEqual(slot, datetime(2026, 12, 11, 10, 0))

    def test_daily_cap_pushes_second_conversation_to_next_day(self):
        self.env["debt.followup.call"].create(
            {
                "partner_id": self.customer_it.id,
                "user_id": self.collector.id,
                "date": datetime(2026, 12, 10, 9, 0),  # Thursday 10:00 Rome
                "outcome": "reached",
            }
        )
        slot = self.customer_it._debt_next_call_slot(datetime(2026, 12, 10, 10, 0))
        self.assertEqual(slot, datetime(2026, 12, 11, 7, 30))  # Friday 08:30 Rome
        self.company.debt_max_conversations_day = 2
        slot = self.customer_it._debt_next_call_slot(datetime(2026, 12, 10, 10, 0))
        self.assertEqual(slot, datetime(2026, 12, 10, 10, 0))

    def test_window_hours_are_checked(self):
        window = self.env.ref("debt_followup.debt_followup_calling_window_portugal")
        with self.assertRaises(ValidationError) as error:
            window.weekday_end = 8.0
        self.assertIn("must start before they end", str(error.exception))
        self.assertEqual(window.weekday_end, 20.0)
        with self.assertRaises(ValidationError):
            window.state_id = self.env.ref("base.state_br_rj")
        self.assertFalse(window.state_id)

    def test_call_outside_window_is_recorded_and_flagged(self):
        # Calls at chosen times, one moved afterwards: as the server records them
        # (a collector logs a call now, and cannot move it).
        Call = self.env["debt.followup.call"].with_user(self.collector).sudo()
        values = {"partner_id": self.customer_it.id, "outcome": "no_answer"}
        sunday, thursday = datetime(2026, 12, 13, 10, 0), datetime(2026, 12, 10, 9, 0)
        calls = Call.create(
            [
                dict(values, date=sunday),  # Sunday: no calls
                dict(values, date=thursday, outcome="reached"),  # 10:00 Rome: fine
                dict(values, date=datetime(2026, 12, 10, 13, 0), outcome="promise"),
                dict(values, date=datetime(2026, 12, 11, 8, 0)),  # Friday 09:00 Rome
            ]
        )
        # After Thursday's conversation the day is over the daily cap; Friday is free.
        self.assertEqual(calls.mapped("outside_window"), [True, False, True, False])
        calls[0].date = datetime(2026, 12, 14, 9, 0)  # moved to Monday 10:00 Rome
        self.assertFalse(calls[0].outside_window)
        outside = Call.search([("outside_window", "=", True), ("id", "in", calls.ids)])
        self.assertEqual(outside, calls[2])

    @freeze_time("2026-12-13 10:00:00")
    def test_call_wizard_shows_local_time_and_next_slot(self):
        # Sunday 13 Dec 2026 11:00 Rome: no calls; next slot Monday 08:30 Rome.
        wizard = Form(
            self.env["debt.followup.call.wizard"]
            .with_user(self.collector)
            .with_context(active_model="res.partner", active_id=self.customer_it.id)
        )
        self.assertFalse(wizard.can_call_now)
        self.assertEqual(wizard.next_call_slot, datetime(2026, 12, 14, 7, 30))
        self.assertIn("11:00 (Europe/Rome)", wizard.local_time)

    def test_slots_of_many_debtors_in_constant_queries(self):
        Partner = self.env["res.partner"]
        phones = ["+39 06 1234 5678", "+55 21 3333 4444", "+55 92 3333 4444", "+351 22 1234567"]

        def debtors(count):
            return Partner.create(
                [
                    {"name": f"Debtor {i}", "is_company": True, "phone": phones[i % 4]}
                    for i in range(count)
                ]
            )

        few, many = debtors(2), debtors(40)
        moment = datetime(2026, 12, 10, 14, 0)
        self.env["debt.followup.call"].create(
            [{"partner_id": p.id, "date": moment, "outcome": "reached"} for p in few + many]
        )

        def queries(debtors):
            self.env.invalidate_all()
            self.env.flush_all()
            before = self.cr.sql_log_count
            debtors._debt_next_call_slots(moment)
            return self.cr.sql_log_count - before

        queries(few)  # warm-up: registry caches of the first read
        self.assertEqual(queries(few), queries(many))
        self.env.invalidate_all()
        with self.assertQueryCount(10):
            slots = many._debt_next_call_slots(moment)
        # Each debtor had its conversation of the day: next day, local morning.
        self.assertTrue(
            all(slot.date() == datetime(2026, 12, 11).date() for slot in slots.values())
        )

    @freeze_time("2026-04-19 10:00:00")
    def test_worklist_shows_when_calling_is_allowed(self):
        # Sunday 19 Apr 2026 12:00 Rome (CEST): no calls; next Monday 08:30 Rome.
        with freeze_time("2026-01-01"):
            self._create_overdue_invoice(self.customer_it, 5000, "2026-01-01", "2026-01-10")
        self._case(self.customer_it)._debt_followup_run()
        row = (
            self.env["debt.followup.worklist"]
            .with_user(self.collector)
            .search([("partner_id", "=", self.customer_it.id)])
        )
        self.assertEqual(len(row), 1)
        self.assertFalse(row.debt_can_call_now)
        self.assertEqual(row.debt_next_call_slot, datetime(2026, 4, 20, 6, 30))
        self.assertIn("12:00 (Europe/Rome)", row.debt_local_time)

    def test_windows_are_reachable_and_editable_by_managers_only(self):
        menu = self.env.ref("debt_followup.debt_followup_calling_window_menu")
        self.assertEqual(
            menu.action, self.env.ref("debt_followup.debt_followup_calling_window_action")
        )
        self.assertEqual(menu.parent_id, self.env.ref("account.menu_finance_configuration"))
        window = self.env.ref("debt_followup.debt_followup_calling_window_portugal")
        window.with_user(self.manager).weekday_end = 19.5
        self.assertEqual(window.weekday_end, 19.5)
        with self.assertRaises(AccessError):
            window.with_user(self.collector).weekday_end = 22.0
        self.assertEqual(window.weekday_end, 19.5)
