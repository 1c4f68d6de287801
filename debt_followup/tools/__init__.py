# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Pure rules of debt follow-up: plain functions over numbers, dates and strings,
tested without a database. Models adapt records to them."""
