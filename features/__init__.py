"""Customer features and labels: pure `DataFrame -> DataFrame` functions, no session, no I/O.

    features.daily      silver.transactions of one day -> gold.customer_daily rows
    features.rollup     daily rows -> 30/90-day window sums and recency, in full or by sliding
                        yesterday's windows one day on (the nightly path: cost = one day's
                        data + the customer count, whatever the length of history)
    features.snapshot   customers and holdings at the snapshot -> attributes, products, balances
    features.linkage    silver.party_links -> person and company linkage features
    features.assemble   everything above -> gold.customer_features rows
    features.labels     later holdings snapshots -> (customer, product) labels, training frames

`FEATURE_COLUMNS` lists the columns models use (identifiers and dates are not features).
Importing this package is cheap: the column lists need no Spark.
"""

from features.columns import FEATURE_COLUMNS, FEATURE_KEYS, WINDOWS

__all__ = ["FEATURE_COLUMNS", "FEATURE_KEYS", "WINDOWS"]
