"""Propensity models: one XGBoost classifier per offerable product, governed in MLflow.

    models.dataset    gold.customer_features + labels -> time-split numpy matrices
    models.metrics    AUC, PR-AUC, lift in the top decile, Brier score, oracle AUC
    models.plots      gain/lift, feature importance and calibration charts (artifacts)
    models.train      train, log and register one product's challenger
    models.promotion  the gated challenger -> champion decision, manual promote / rollback
    models.registry   where the registry lives, names, aliases, loading a version
    models.scoring    champion scores and reasons for eligible customers, in Spark
    models.reasons    feature contributions -> phrases a teller understands

Importing this package is cheap: heavy libraries (xgboost, mlflow) load inside functions.
"""
