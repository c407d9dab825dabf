/** One row of a top-5 table. */
export interface RankedEntry {
  readonly rank: number;
  /** Client id or stock symbol, as the batch output prints it. */
  readonly name: string;
  /** Client volume in dollars, or stock shares over the window. */
  readonly value: number;
}

/** What the web page shows for one batch. */
export interface BatchView {
  /** Batch time in ms (the `<ms>` of its output folder). */
  readonly time: number;
  readonly buys: number;
  readonly sells: number;
  readonly topClients: readonly RankedEntry[];
  readonly topStocks: readonly RankedEntry[];
  /** The batch's output lines as written to `part-00000`. */
  readonly lines: readonly string[];
  /** From the streaming listener's BatchInfo (undefined when it did not say). */
  readonly records: number | undefined;
  readonly processingMs: number | undefined;
  readonly schedulingDelayMs: number | undefined;
  readonly totalDelayMs: number | undefined;
}

/** The feed's progress, for the page's header. */
export interface FeedStatus {
  readonly filesMoved: number;
  readonly filesTotal: number;
  readonly linesMoved: number;
  readonly linesTotal: number;
  /** `feeding`, `fed` (all moved, stream still running), `finished` (the run ended). */
  readonly phase: 'starting' | 'feeding' | 'fed' | 'finished';
  /** The Streaming UI's page (Spark's Streaming tab) for this run, while it serves. */
  readonly streamingUi?: string;
  /**
   * With `--group`: this instance and the partitions of each log it owns; under leases also
   * each partition's owner (member id; undefined, sent as JSON `null`: none), updated after every batch.
   */
  readonly group?: {
    readonly name: string;
    readonly instanceId: string;
    readonly logs: readonly { readonly log: string; readonly partitions: number; readonly owned: readonly number[]; readonly owners?: readonly (string | undefined)[] }[];
  };
}

/** Everything the page needs on connect. */
export interface DashboardSnapshot {
  readonly title: string;
  readonly batchMs: number;
  readonly stateMode: string;
  readonly replay: boolean;
  readonly status: FeedStatus;
  readonly batches: readonly BatchView[];
}

/**
 * The page's model: the last `limit` batches and the feed status. The server sends it whole to
 * a new page, then one event per change.
 */
export class DashboardModel {
  private readonly batches: BatchView[] = [];
  status: FeedStatus = { filesMoved: 0, filesTotal: 0, linesMoved: 0, linesTotal: 0, phase: 'starting' };

  constructor(
    readonly title: string,
    readonly batchMs: number,
    readonly stateMode: string,
    readonly replay: boolean,
    private readonly limit = 720,
  ) {}

  addBatch(view: BatchView): void {
    this.batches.push(view);
    if (this.batches.length > this.limit) this.batches.splice(0, this.batches.length - this.limit);
  }

  snapshot(): DashboardSnapshot {
    return { title: this.title, batchMs: this.batchMs, stateMode: this.stateMode, replay: this.replay, status: this.status, batches: this.batches.slice() };
  }
}
