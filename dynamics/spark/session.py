"""Finding Java and PySpark, starting a Spark session, and telling the user what stage runs.

Nothing here imports PySpark at module level, so ``import dynamics.spark`` works (and its
docs build) on a machine without it; the first call that needs Spark raises
:class:`~dynamics.errors.MissingDependencyError` with a one-line install hint instead.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dynamics.errors import MissingDependencyError

if TYPE_CHECKING:
    from pyspark.sql import SparkSession

__all__ = ["get_session", "java_home", "require_spark", "stage"]

logger = logging.getLogger("dynamics.spark")

JAVA_HINT = (
    "Spark needs Java 17: install it with `apt-get install -y openjdk-17-jre-headless` "
    "(or `module load java/17` on a cluster) and/or set JAVA_HOME"
)
PYSPARK_HINT = 'Spark support needs PySpark: pip install "dynamics[spark]"'


def java_home() -> str | None:
    """The Java installation Spark will use: ``$JAVA_HOME``, else the ``java`` on the PATH.

    Examples
    --------
    >>> java_home() is None or isinstance(java_home(), str)
    True
    """
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return home
    java = shutil.which("java")
    if java is None:
        return None
    return str(Path(java).resolve().parent.parent)


def require_spark() -> None:
    """Raise :class:`~dynamics.errors.MissingDependencyError` unless PySpark and Java are here.

    The message is one line that says what to install.
    """
    try:
        import pyspark  # noqa: F401
    except ImportError:
        raise MissingDependencyError(PYSPARK_HINT) from None
    if java_home() is None:
        raise MissingDependencyError(JAVA_HINT)


def get_session(
    master: str | None = None,
    *,
    app_name: str = "dynamics",
    driver_memory: str | None = None,
    config: dict[str, Any] | None = None,
) -> SparkSession:
    """The active Spark session, or a new one on ``master``.

    Parameters
    ----------
    master : str or None, default None
        ``"local[*]"``, ``"spark://host:7077"``, ``"yarn"``, ...; None keeps an active session
        (or what ``spark-submit`` configured) and falls back to ``"local[*]"``.
    app_name : str, default "dynamics"
        Shown in Spark's UI and the cluster's job list.
    driver_memory : str or None, default None
        ``spark.driver.memory`` (e.g. ``"2g"``) for a session started here.
    config : dict, optional
        Further Spark settings for a session started here.

    Returns
    -------
    pyspark.sql.SparkSession
        With ``spark.sql.session.timeZone=UTC`` (times in the comments contract are UTC) and
        Arrow transfers enabled.

    Raises
    ------
    MissingDependencyError
        When PySpark or Java is missing (one-line install hint).
    """
    require_spark()
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None and master is None:
        _utc(active)
        return active
    builder = SparkSession.builder.appName(app_name)
    if master is not None or "PYSPARK_SUBMIT_ARGS" not in os.environ:
        builder = builder.master(master or "local[*]")
    if driver_memory:
        builder = builder.config("spark.driver.memory", driver_memory)
    for key, value in (config or {}).items():
        builder = builder.config(key, value)
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = builder.getOrCreate()
    _utc(spark)
    return spark


def _utc(spark: SparkSession) -> None:
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    spark.conf.set("spark.sql.execution.arrow.pyspark.enabled", "true")


@contextmanager
def stage(name: str, *, progress: bool | None = True) -> Iterator[None]:
    """Log (and print to standard error when ``progress``) a stage's start and its duration.

    Spark shows its own progress per job; this says which of our stages the jobs belong to.

    Examples
    --------
    >>> with stage("nothing", progress=False):
    ...     pass
    """
    start = time.perf_counter()
    logger.info("%s ...", name)
    if progress:
        sys.stderr.write(f"[dynamics] {name} ...\n")
    yield
    took = time.perf_counter() - start
    logger.info("%s done in %.1f s", name, took)
    if progress:
        sys.stderr.write(f"[dynamics] {name}: done in {took:.1f} s\n")
