/**
 * Where a direct stream's partitions are computed (Spark's `LocationStrategy`). Kindling runs
 * a stream's tasks in one process, so every strategy computes each log partition as one RDD
 * partition; the strategies exist so that ported code reads as in Spark.
 */
export class LocationStrategy {
  private constructor(readonly name: string) {}

  /** @internal */
  static create(name: string): LocationStrategy { return new LocationStrategy(name); }

  toString(): string { return this.name; }
}

/** Spark's `LocationStrategies`: `PreferConsistent` spreads partitions evenly (here: one process). */
export const LocationStrategies = {
  PreferConsistent: LocationStrategy.create('PreferConsistent'),
};
