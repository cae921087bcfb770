-- (a) Backlog curve: one dequeue through the extension, rolled back so the backlog stays.
BEGIN;
SELECT asyncmq_dequeue(:queue);
ROLLBACK;
