"""Deterministic prompt ids."""

from __future__ import annotations

import datetime as dt

from pyspark.sql import Column
from pyspark.sql import functions as F

PREFIX = "PR"
HEX_CHARS = 20          # 80 bits of SHA-256: collisions are not a practical concern per day


def prompt_id(business_date: dt.date | Column, customer_id: Column | str = "customer_id",
              product_code: Column | str = "product_code", role: Column | str = "role") -> Column:
    """"PR" + the first 20 hex digits (upper case) of sha2-256 of
    "<business_date>|<customer_id>|<product_code>|<role>": same prompt, same id, on every
    rerun and every machine."""
    day = (F.lit(business_date.isoformat()) if isinstance(business_date, dt.date)
           else business_date.cast("string"))
    text = F.concat_ws("|", day, F.col(customer_id) if isinstance(customer_id, str)
                       else customer_id, F.col(product_code) if isinstance(product_code, str)
                       else product_code, F.col(role) if isinstance(role, str) else role)
    return F.concat(F.lit(PREFIX), F.upper(F.substring(F.sha2(text, 256), 1, HEX_CHARS)))
