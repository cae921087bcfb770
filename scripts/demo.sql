-- What scripts/demo runs on its throwaway cluster.
CREATE EXTENSION asyncmq;
SELECT asyncmq_install();
SELECT kind, table_name, present, problems FROM asyncmq_tables();
\d asyncmq_jobs
\d asyncmq_repeatables
\d asyncmq_cancelled_jobs
