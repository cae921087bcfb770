"""AsyncMQ settings for the interoperability tests, named by ASYNCMQ_SETTINGS_MODULE.

AsyncMQ reads its settings class from ASYNCMQ_SETTINGS_MODULE (asyncmq/monkay.py) and each setting
from the environment under its upper-cased name (asyncmq/conf/global_settings.py): the DSN comes
from ASYNCMQ_POSTGRES_BACKEND_URL, the table names are AsyncMQ's defaults, which asyncmq_install()
makes. The intervals are short so that a test waits tenths of a second, not AsyncMQ's defaults.
"""

from typing import Any

from asyncmq.conf.global_settings import Settings as AsyncMQSettings


class Settings(AsyncMQSettings):
    # How often the worker promotes due delayed jobs and looks at repeatables.
    scan_interval: float = 0.05
    # How long an idle worker sleeps between empty polls, at most.
    worker_idle_poll_max_interval: float = 0.1
    # How long a worker of a paused queue sleeps between looks at the pause.
    stalled_check_interval: float = 0.05
    stalled_threshold: float = 0.3
    # The tests' own tasks fail on purpose; AsyncMQ would log each failure with its traceback.
    # LOGGING_LEVEL=INFO in the environment shows AsyncMQ's log.
    logging_level: str = "CRITICAL"

    @property
    def backend(self) -> Any:
        if self._backend is None:
            from asyncmq.backends.postgres import PostgresBackend

            self._backend = PostgresBackend()
        return self._backend

    @backend.setter
    def backend(self, value: Any) -> None:
        self._backend = value
