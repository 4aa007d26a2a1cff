"""crosslink: linked-marketing prompts for a bank, from multichannel data to credited sales."""

from setuptools import find_packages, setup

# The verified stack (see the design notes): pinned so every machine resolves the same set.
STACK = [
    "apache-airflow==3.3.2",
    "apache-airflow-providers-apache-spark==6.3.4",
    "pyspark==4.2.0",
    "delta-spark==4.4.1",
    "deltalake==1.6.6",
    "great-expectations==1.24.1",
    "xgboost-cpu==3.2.0",
    "mlflow==3.17.2",
    "pandas<3",
    "pyarrow>=15",
    "numpy>=1.26",
    "scipy>=1.11",                      # special.expit in models/calibration.py
    "pyyaml>=6",
    "pydantic>=2.6",
]
# pytest 9.2 keeps node ids where pytest-xdist 3.8 cannot suffix them, which silently breaks
# `--dist loadgroup` (make test): stay below it until xdist follows.
DEV = ["pytest>=8,<9.2", "pytest-xdist>=3.6", "hypothesis>=6.100", "ruff>=0.6", "psutil>=5.9"]

setup(
    name="crosslink",
    version="0.1.0",
    description=__doc__,
    python_requires=">=3.11,<3.12",
    packages=find_packages(include=["crosslink", "crosslink.*", "jobs", "features", "models",
                                    "expectations"]),
    include_package_data=True,
    install_requires=STACK,
    extras_require={"dev": DEV},
    entry_points={"console_scripts": ["crosslink = crosslink.cli:main"]},
)
