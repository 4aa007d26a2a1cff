"""Run the DAGs on this machine: one business date without a scheduler, or the full UI.

    crosslink airflow test --date 2026-01-05     # airflow dags test crosslink_nightly <logical>
    crosslink airflow ui [--port 8080]           # airflow standalone on 127.0.0.1

Airflow gets its own home under `$CROSSLINK_HOME/airflow` (SQLite metadata DB, logs), the
repo's `dags/` folder, no example DAGs, and a local Spark connection
(`AIRFLOW_CONN_SPARK_DEFAULT`, `local[2]`) unless one is already set in the environment.
`spark-submit`, `airflow` and the Spark workers all use this interpreter's virtualenv.

A business date maps back to the logical date its scheduled run would have: the first cron
time of the day `business date - airflow.business_date_offset_days` in `airflow.timezone` — so
the run is exactly the one the scheduler would make, and its log says so.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from crosslink.config import AirflowConfig, Config

REPO = Path(__file__).resolve().parent.parent
DAGS_FOLDER = REPO / "dags"
NIGHTLY = "crosslink_nightly"
MAINTENANCE = "crosslink_maintenance"
RETRAIN = "crosslink_retrain"
LOCAL_SPARK_CONNECTION = '{"conn_type": "spark", "host": "local[2]"}'
PASSWORD_FILE = "simple_auth_manager_passwords.json.generated"
LOG_SERVER_PORTS = (8793, 8794)     # Airflow's worker and triggerer log servers (defaults)

Sink = Callable[[str], None]


def airflow_home(config: Config) -> Path:
    return config.home / "airflow"


def connection_variable(conn_id: str) -> str:
    """The environment variable Airflow reads a connection from."""
    return f"AIRFLOW_CONN_{conn_id.upper()}"


def airflow_env(config: Config, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every local Airflow command (and of the spark-submits it starts)."""
    env = dict(os.environ if base is None else base)
    home = airflow_home(config)
    bin_dir = str(Path(sys.executable).parent)
    env.update({
        "CROSSLINK_HOME": str(config.home),
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        "PYSPARK_PYTHON": sys.executable,
        "PYSPARK_DRIVER_PYTHON": sys.executable,
        "SPARK_LOCAL_IP": "127.0.0.1",
        "GX_ANALYTICS_ENABLED": "false",
        # spark-submit puts the job's folder (jobs/) first on sys.path; safe-path mode leaves
        # it out so no job module can ever shadow a top-level package of the project
        "PYTHONSAFEPATH": "1",
        # spark-submit and airflow are looked up on PATH (by the Spark hook, by standalone)
        "PATH": os.pathsep.join([bin_dir, env.get("PATH", "")]),
    })
    env.setdefault(connection_variable(config.pipeline.airflow.spark_conn_id),
                   LOCAL_SPARK_CONNECTION)
    return env


def logical_date(business_date: dt.date, settings: AirflowConfig,
                 schedule: str | None = None) -> dt.datetime:
    """The logical date (UTC) of the run on `schedule` (default: the nightly's) that processes
    `business_date`; local midnight of its day when the schedule has no run that day."""
    import zoneinfo

    from croniter import croniter

    tz = zoneinfo.ZoneInfo(settings.timezone)
    day = business_date - dt.timedelta(days=settings.business_date_offset_days)
    midnight = dt.datetime.combine(day, dt.time(), tzinfo=tz)
    cron = schedule or settings.schedule
    due = croniter(cron, midnight - dt.timedelta(seconds=1)).get_next(dt.datetime)
    if due.astimezone(tz).date() != day:        # no run that day (e.g. a weekly schedule)
        due = midnight
    return due.astimezone(dt.UTC)


def _airflow() -> str:
    local = Path(sys.executable).parent / "airflow"
    return str(local) if local.exists() else "airflow"


def run_streaming(command: list[str], env: dict[str, str], sink: Sink = print,
                  log_file: Path | None = None) -> int:
    """Run a command, passing each output line to `sink` (and a log file) as it comes."""
    with contextlib.ExitStack() as stack:
        log = stack.enter_context(open(log_file, "a", encoding="utf-8")) if log_file else None
        proc = stack.enter_context(subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            bufsize=1, errors="replace"))
        try:
            for line in proc.stdout:
                sink(line.rstrip("\n"))
                if log:
                    log.write(line)
        except KeyboardInterrupt:              # the child got the terminal's SIGINT too
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()                        # `airflow dags test` ignores SIGTERM
            raise
        return proc.wait()


def migrate(config: Config, sink: Sink = print) -> None:
    """`airflow db migrate`: create or upgrade the SQLite metadata DB (~2 s when current)."""
    airflow_home(config).mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    code = run_streaming([_airflow(), "db", "migrate"], airflow_env(config), lines.append)
    if code:
        for line in lines:
            sink(line)
        raise RuntimeError(f"airflow db migrate failed with exit status {code}")


def dags_test(business_date: dt.date, config: Config, dag_id: str = NIGHTLY,
              sink: Sink = print, log_file: Path | None = None) -> int:
    """`airflow dags test <dag_id> <logical date>` for a business date, no scheduler needed.

    Tasks run one after another in this process tree (each a spark-submit); the exit status
    is non-zero when the DAG run failed.
    """
    migrate(config, sink)
    settings = config.pipeline.airflow
    schedules = {NIGHTLY: settings.schedule, MAINTENANCE: settings.maintenance.schedule,
                 RETRAIN: settings.retrain.schedule}
    when = logical_date(business_date, settings, schedules.get(dag_id))
    sink(f"[crosslink] {dag_id}: business date {business_date} = logical date "
         f"{when.isoformat()}; AIRFLOW_HOME={airflow_home(config)}")
    return run_streaming([_airflow(), "dags", "test", dag_id, when.isoformat()],
                         airflow_env(config), sink, log_file)


def task_states(config: Config, dag_id: str = NIGHTLY) -> dict[str, str]:
    """Task id → state of the DAG's latest run, read from the local SQLite metadata DB."""
    db = airflow_home(config) / "airflow.db"
    if not db.exists():
        return {}
    with sqlite3.connect(db) as con:
        run = con.execute("SELECT run_id FROM dag_run WHERE dag_id = ? ORDER BY id DESC LIMIT 1",
                          (dag_id,)).fetchone()
        if run is None:
            return {}
        rows = con.execute("SELECT task_id, state FROM task_instance "
                           "WHERE dag_id = ? AND run_id = ? ORDER BY task_id",
                           (dag_id, run[0])).fetchall()
    return {task_id: state or "none" for task_id, state in rows}


def _port_in_use(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def standalone(config: Config, port: int = 8080, sink: Sink = print) -> int:
    """`airflow standalone` (scheduler, DAG processor, API server and UI, triggerer) on
    127.0.0.1; runs until interrupted (Ctrl-C)."""
    if port in LOG_SERVER_PORTS:
        raise SystemExit(f"port {port} is taken by Airflow's own log servers "
                         f"({', '.join(map(str, LOG_SERVER_PORTS))}); choose another")
    if _port_in_use(port):
        raise SystemExit(f"port {port} is already in use on 127.0.0.1; choose another (--port)")
    migrate(config, sink)
    home = airflow_home(config)
    url = f"http://127.0.0.1:{port}"
    env = airflow_env(config)
    env.update({
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__API__PORT": str(port),
        "AIRFLOW__API__BASE_URL": url,
        "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"{url}/execution/",
        # LocalExecutor starts one worker process per slot (32 by default): one per task a
        # DAG run may run at once is enough here
        "AIRFLOW__CORE__PARALLELISM": str(config.pipeline.airflow.max_active_tasks),
    })
    sink(f"[crosslink] Airflow UI: {url}  (DAGs from {DAGS_FOLDER}; new DAGs start paused)")
    sink("[crosslink] log in as 'admin'; the password is generated on the first start into "
         f"{home / PASSWORD_FILE}")
    sink("[crosslink] stop with Ctrl-C")
    try:
        return run_streaming([_airflow(), "standalone"], env, sink)
    except KeyboardInterrupt:
        return 130
