/**
 * How many RDDs of this process are marked by `rdd.checkpoint()` and not written yet (counted
 * by `RDDCheckpointData`). While it is 0, the DAG scheduler skips its after-job walk of the
 * job's lineage looking for marked RDDs to write: a stream checkpoints one batch in ten (or
 * none), and that walk crossed every RDD of every job. A marked RDD never computed keeps it
 * above 0, which only brings the walk back.
 * @internal
 */
export const unwrittenCheckpoints = { count: 0 };
