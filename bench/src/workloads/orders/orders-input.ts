/** The orders dashboard's input: one file of order lines per 1 s batch. */
export interface OrdersInput {
  files: string[];
  linesPerFile: number;
  /** The top-stocks window in batches: the book's 60 minutes over 1 s batches. */
  windowBatches: number;
}
