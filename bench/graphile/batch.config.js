// graphile-worker's batched drain (bench/in-cluster): its local queue fetches and locks jobs 100
// at a time, and completions made within the same tick go to the database together
// (https://worker.graphile.org/docs/performance#batching).
module.exports = {
  worker: {
    localQueue: { size: 100 },
    completeJobBatchDelay: 0,
  },
};
