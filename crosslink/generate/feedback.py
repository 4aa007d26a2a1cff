"""The downstream systems' feedback on crosslink's prompts, simulated from the generator's truth.

`simulate_feedback(config, home, day)` writes the extracts the teller system, the CRM and the
digital platform deliver for `day` (landing/<day>/teller_events.csv, crm_events.jsonl,
channel_events.parquet): the workflow events of the prompts the pipeline issued on earlier
nights, dated `day`. Nothing is invented about the customer: whether a prompt is won follows the
generator's truth (`truth/openings.parquet`, drawn from the true propensities) — the customer
opens the product within the prompt's life or does not. What staff do is drawn from
`generator.feedback` rates.

Each prompt's whole story is fixed by its id, the seed and the truth, so the extracts of
different days tell one consistent story and rerunning a day rewrites the same bytes. A prompt
of business date p (issued overnight, worked from p + 1; open until its expiry_date):

    delivered   p + 1, to the assignee's work list or the channel's offer slot
    contacted   staff: with the role's contact_rate; channels: the customer opens the offer
                (view_rate); within max_delay_days, never after the opening
    referred    a contacted prompt on a referral path (routing.yaml), with referral_rate: to
                the next role of the path — a colleague of that role in the branch, or the
                specialist centre that takes the product
    handled     the referee takes it up, within max_delay_days, never after the opening
    accepted    the customer opens the product on day o within the life and was contacted:
                on day o, by whoever handles the prompt
    declined    contacted, no opening: with decline_rate, on the handling (or contact) day
    expired     otherwise, the day after expiry_date, by the system holding the prompt

An opening of an ignored prompt is organic: the prompt gets no accepted event. The extracts
carry the configured source defects too, so feedback goes through quarantine like any source.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as ds

from crosslink.config import Config, referral_roles
from crosslink.generate import defects
from crosslink.generate.rng import stream
from crosslink.generate.transactions import schema
from crosslink.generate.writers import write_source
from crosslink.sources import FEEDBACK_SOURCES

COUNTER_ROLES = ("teller", "lobby_manager")
GOLDEN = np.uint64(0x9E3779B97F4A7C15)
# event hour of the day (minutes are drawn): delivery before opening, outcomes in the afternoon
HOURS = {"delivered": 8, "contacted": 10, "referred": 11, "handled": 13, "accepted": 15,
         "declined": 16, "expired": 0}
PROMPT_COLUMNS = ["prompt_id", "business_date", "expiry_date", "customer_id", "product_code",
                  "role", "channel", "org_id", "assignee_id", "assignee_type", "referral_path"]


def _mix(x: np.ndarray) -> np.ndarray:
    """splitmix64: a well-spread 64-bit hash of each value."""
    with np.errstate(over="ignore"):
        z = x + GOLDEN
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def keys(ids: pd.Series) -> np.ndarray:
    """A 64-bit key per id (prompt or event), from a hash of the whole id."""
    return np.array([int.from_bytes(hashlib.blake2b(i.encode(), digest_size=8).digest(), "big")
                     for i in ids], dtype=np.uint64)


def uniforms(key: np.ndarray, seed: int, purpose: str) -> np.ndarray:
    """A uniform draw in [0, 1) per key and purpose, fixed by the key and the seed."""
    salt = int.from_bytes(hashlib.blake2b(f"{seed}:{purpose}".encode(), digest_size=8).digest(),
                          "big")
    return (_mix(key ^ np.uint64(salt)) >> np.uint64(11)) / float(2 ** 53)


# --- inputs from the lake and the truth ---------------------------------------------------------
def _lake_table(home: Path, name: str):
    from deltalake import DeltaTable  # the simulator runs without Spark

    layer, table = name.split(".")
    path = home / "lake" / layer / table
    return DeltaTable(str(path)).to_pyarrow_dataset() if path.exists() else None


def issued_prompts(home: Path, first: dt.date, last: dt.date) -> pd.DataFrame:
    data = _lake_table(home, "gold.prompts")
    if data is None:
        return pd.DataFrame(columns=PROMPT_COLUMNS)
    day = ds.field("business_date")
    rows = data.to_table(columns=PROMPT_COLUMNS, filter=(day >= pa.scalar(first))
                         & (day <= pa.scalar(last))).to_pandas()
    return rows.sort_values("prompt_id", ignore_index=True)


def staff_before(home: Path, day: dt.date) -> pd.DataFrame:
    """The latest silver.staff snapshot before `day`: who a prompt can be referred to."""
    data = _lake_table(home, "silver.staff")
    if data is None:
        return pd.DataFrame(columns=["staff_id", "role", "org_id"])
    snap = ds.field("snapshot_date")
    table = data.to_table(columns=["snapshot_date", "staff_id", "role", "org_id", "active"],
                          filter=snap < pa.scalar(day))
    if table.num_rows == 0:
        return pd.DataFrame(columns=["staff_id", "role", "org_id"])
    latest = pc.max(table["snapshot_date"])
    table = table.filter(pc.and_(pc.equal(table["snapshot_date"], latest), table["active"]))
    return table.select(["staff_id", "role", "org_id"]).to_pandas().sort_values(
        "staff_id", ignore_index=True)


def first_openings(home: Path) -> pd.DataFrame:
    """Every (customer, product) opening of the generated history, earliest first."""
    openings = pd.read_parquet(home / "truth" / "openings.parquet",
                               columns=["customer_id", "product_code", "open_date"])
    return openings.sort_values("open_date").drop_duplicates(["customer_id", "product_code"])


# --- each prompt's story ----------------------------------------------------------------------
def _days(values: pd.Series) -> np.ndarray:
    return pd.to_datetime(values).values.astype("datetime64[D]")


def _referee_role(path: str | None, role: str) -> str | None:
    roles = referral_roles(path)
    if role not in roles:
        return None
    others = [r for r in roles if r != role]
    if ">" in (path or "") and "<>" not in path:
        later = roles[roles.index(role) + 1:]
        return later[0] if later else None
    return others[0] if others else None


def _referees(prompts: pd.DataFrame, staff: pd.DataFrame, config: Config,
              pick: np.ndarray) -> pd.DataFrame:
    """referred_role, referred_staff_id, referred_org_id per prompt (null: no one to refer to)."""
    centres = {p: c.code for c in config.organisation.specialist_centres for p in c.products}
    by_org_role = {k: list(g["staff_id"]) for k, g in staff.groupby(["org_id", "role"])}
    out = []
    for row, u in zip(prompts.itertuples(index=False), pick, strict=True):
        role = _referee_role(row.referral_path, row.role)
        org = centres.get(row.product_code) if role == "specialist_centre" else row.org_id
        people = by_org_role.get((org, role), []) if role else []
        out.append((role, people[int(u * len(people))], org) if people else (None, None, None))
    return pd.DataFrame(out, columns=["referred_role", "referred_staff_id", "referred_org_id"],
                        index=prompts.index)


def stories(prompts: pd.DataFrame, openings: pd.DataFrame, staff: pd.DataFrame,
            config: Config, seed: int) -> pd.DataFrame:
    """Every event of every prompt (module doc): prompt_id, event_type, event_day, actor_id,
    actor_role, actor_org_id, referred_*, and the prompt's channel and assignee_type."""
    if prompts.empty:
        return pd.DataFrame()
    sim = config.generator.feedback
    p = prompts.merge(openings, on=["customer_id", "product_code"], how="left")
    ids = keys(p["prompt_id"])
    issued, expiry = _days(p["business_date"]), _days(p["expiry_date"])
    start = issued + np.timedelta64(1, "D")
    opened = _days(p["open_date"])
    in_life = (opened >= start) & (opened <= expiry)
    channel = (p["assignee_type"] == "channel").to_numpy()
    rate = np.where(channel, sim.view_rate,
                    p["role"].map(sim.contact_rate).fillna(0.0).to_numpy(float))
    contacted = uniforms(ids, seed, "contact") < rate
    step = np.timedelta64(1, "D")
    delay = (uniforms(ids, seed, "contact_delay") * (sim.max_delay_days + 1)).astype(int) * step
    last = np.where(in_life, opened, expiry)
    contact_day = np.minimum(start + delay, last)
    refs = _referees(p, staff, config, uniforms(ids, seed, "referee"))
    referred = (contacted & ~channel & refs["referred_staff_id"].notna().to_numpy()
                & (uniforms(ids, seed, "refer") < sim.referral_rate))
    delay2 = (uniforms(ids, seed, "handle_delay") * (sim.max_delay_days + 1)).astype(int) * step
    handle_day = np.minimum(contact_day + delay2, last)
    won = contacted & in_life
    declined = contacted & ~in_life & (uniforms(ids, seed, "decline") < sim.decline_rate)
    frame = p[["prompt_id", "role", "org_id", "assignee_id", "assignee_type", "channel"]].copy()
    frame = pd.concat([frame, refs], axis=1)
    events = [_events(frame, np.ones(len(p), bool), "delivered", start, False),
              _events(frame, contacted, "contacted", contact_day, False),
              _events(frame, referred, "referred", contact_day, False, with_referral=True),
              _events(frame, referred, "handled", handle_day, True),
              _events(frame, won, "accepted", opened, referred),
              _events(frame, declined, "declined", np.where(referred, handle_day, contact_day),
                      referred),
              _events(frame, ~won & ~declined, "expired", expiry + step, False)]
    return pd.concat(events, ignore_index=True)


def _events(frame: pd.DataFrame, mask: np.ndarray, kind: str, day: np.ndarray,
            by_referee, *, with_referral: bool = False) -> pd.DataFrame:
    """One event per masked prompt; the actor is the referee where `by_referee`."""
    by_referee = np.broadcast_to(np.asarray(by_referee, bool), mask.shape)
    f, ref = frame[mask], by_referee[mask]
    out = pd.DataFrame({
        "prompt_id": f["prompt_id"].to_numpy(), "event_type": kind, "event_day": day[mask],
        "actor_id": np.where(ref, f["referred_staff_id"], f["assignee_id"]),
        "actor_role": np.where(ref, f["referred_role"], f["role"]),
        "actor_org_id": np.where(ref, f["referred_org_id"], f["org_id"]),
        "assignee_type": f["assignee_type"].to_numpy(), "channel": f["channel"].to_numpy()})
    for col in ("referred_role", "referred_staff_id", "referred_org_id"):
        out[col] = f[col].to_numpy() if with_referral else None
    return out


# --- the day's extracts -----------------------------------------------------------------------
def _timestamps(events: pd.DataFrame, seed: int) -> pd.Series:
    minutes = (uniforms(keys(events["event_id"]), seed, "minute") * 59).astype(int)
    hours = events["event_type"].map(HOURS).to_numpy()
    return (pd.to_datetime(events["event_day"]) + pd.to_timedelta(hours, "h")
            + pd.to_timedelta(minutes, "m"))


def _event_ids(events: pd.DataFrame) -> pd.Series:
    """EV + 16 hex digits of the prompt id and event type: one id per event, ever."""
    return pd.Series(["EV" + hashlib.sha1(f"{p}|{t}".encode()).hexdigest()[:16].upper()
                      for p, t in zip(events["prompt_id"], events["event_type"], strict=True)],
                     index=events.index)


def source_of(events: pd.DataFrame) -> np.ndarray:
    """Which system reports an event: the channel platform, the counter, or the CRM."""
    counter = events["actor_role"].isin(COUNTER_ROLES).to_numpy()
    return np.where(events["assignee_type"].to_numpy() == "channel", "channel_events",
                    np.where(counter, "teller_events", "crm_events"))


def extract_tables(events: pd.DataFrame) -> dict[str, pa.Table]:
    """The day's events as each source's typed table (the landing contract's fields)."""
    tables = {}
    for name, spec in FEEDBACK_SOURCES.items():
        e = events[source_of(events) == name]
        columns = {"event_id": e["event_id"], "prompt_id": e["prompt_id"],
                   "event_type": e["event_type"], "event_ts": e["event_ts"]}
        if name == "teller_events":
            columns |= {"teller_id": e["actor_id"], "branch_id": e["actor_org_id"],
                        "refer_to_role": e["referred_role"],
                        "refer_to_staff": e["referred_staff_id"],
                        "refer_to_org": e["referred_org_id"], "note": None}
        elif name == "crm_events":
            columns |= {"actor_id": e["actor_id"], "actor_role": e["actor_role"],
                        "actor_org_id": e["actor_org_id"], "referred_role": e["referred_role"],
                        "referred_staff_id": e["referred_staff_id"],
                        "referred_org_id": e["referred_org_id"], "note": None}
        else:
            columns |= {"channel": e["channel"],
                        "session_id": "S" + e["event_id"].str[2:14]}
        sch = schema(spec)
        arrays = [pa.nulls(len(e), f.type) if columns[f.name] is None
                  else pa.array(columns[f.name].tolist(), f.type) for f in sch]
        tables[name] = pa.table(arrays, schema=sch)
    return tables


def simulate_feedback(config: Config, home: Path, day: dt.date,
                      seed: int | None = None) -> dict[str, int]:
    """Write the day's feedback extracts (module doc); returns {source: records written}.
    A source with no event that day gets no file (the sources are optional)."""
    home = Path(home)
    seed = config.generator.seed if seed is None else seed
    ttl = config.policy.contact.prompt_ttl_days
    lookback = ttl + 2 * config.generator.feedback.max_delay_days + 2
    prompts = issued_prompts(home, day - dt.timedelta(days=lookback), day - dt.timedelta(1))
    events = stories(prompts, first_openings(home), staff_before(home, day), config, seed)
    written = {}
    landing = home / "landing" / day.isoformat()
    for name in FEEDBACK_SOURCES:
        (landing / FEEDBACK_SOURCES[name].file_name).unlink(missing_ok=True)
    if events.empty:
        return {name: 0 for name in FEEDBACK_SOURCES}
    events = events[events["event_day"] == np.datetime64(day, "D")].copy()
    events["event_id"] = _event_ids(events)
    events["event_ts"] = _timestamps(events, seed)
    events = events.sort_values(["event_ts", "event_id"], ignore_index=True)
    max_amount = config.pipeline.ingest.max_amount
    for name, table in extract_tables(events).items():
        written[name] = table.num_rows
        if table.num_rows == 0:
            continue
        spec = FEEDBACK_SOURCES[name]
        rng = stream(seed, "feedback", day.isoformat(), name)
        planned = defects.plan(spec, table, config.generator.defects, rng)
        write_source(landing / spec.file_name, spec, table, planned, rng, day, max_amount)
    return written
