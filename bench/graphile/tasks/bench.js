// The drain's task for graphile-worker's own worker: a no-op, so that what is timed is the queue.
module.exports = async () => {};
