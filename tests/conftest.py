# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A skipped test is a test that proved nothing: Odoo's browser tours skip
themselves when Chromium or websocket-client is missing, so any skip fails the run."""


def pytest_sessionfinish(session, exitstatus):
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter else []
    if skipped:
        reporter.write_line(
            f"FAILED: {len(skipped)} test(s) skipped; a skip means a missing tool "
            "(Chromium, websocket-client) or a broken setup:",
            red=True,
        )
        for report in skipped:
            reporter.write_line(f"  {report.nodeid}: {report.longrepr}")
        session.exitstatus = 1
