"""Expectation suites in code: one Great Expectations suite per bronze, silver and gold table.

`suite_for("silver.transactions")` builds a fresh `great_expectations.ExpectationSuite` named
after the table. Bronze suites are derived from the landing contract (`expectations.bronze`),
silver and gold suites are hand-written (`expectations.silver`, `expectations.gold`);
`crosslink.quality` runs them as gates.

Suites use two kinds of suite parameters, supplied by `crosslink.quality` at validation time
(see `PARAMETERS`): `max_amount` (from `quality.max_amount`) and `date_from`/`date_to` (the
business date of the run, or a wide range when the caller validates several dates).

Importing this package is cheap: Great Expectations is imported only when a suite is built.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from crosslink.sources import ALL_SOURCES

if TYPE_CHECKING:
    import great_expectations as gx

# Read once, when great_expectations is first imported (by the submodules): no usage analytics.
os.environ["GX_ANALYTICS_ENABLED"] = "false"

# Listed, not derived from crosslink.tables: a table added there without a suite then fails the
# registry test, not every gate of the night (registration covers exactly these names).
SUITES: tuple[str, ...] = (
    *(f"bronze.{name}" for name in ALL_SOURCES), "bronze.quarantine",
    "silver.branches", "silver.consent", "silver.customers", "silver.holdings",
    "silver.link_evidence", "silver.party_links", "silver.staff", "silver.transactions",
    "gold.customer_daily", "gold.customer_windows", "gold.customer_features",
    "gold.propensity_scores", "gold.opportunities", "gold.prompts")
PARAMETERS: tuple[str, ...] = ("max_amount", "date_from", "date_to")


def suite_for(table_name: str) -> gx.ExpectationSuite:
    """Build the suite of one table; raises KeyError naming the known suites otherwise."""
    from expectations import bronze, gold, silver  # lazy: imports great_expectations (~3 s)

    builders = {**bronze.builders(), **silver.builders(), **gold.builders()}
    try:
        build = builders[table_name]
    except KeyError:
        raise KeyError(f"no expectation suite for {table_name!r}; known: {list(SUITES)}") \
            from None
    return build()
