/** A page view on a web site with its dimension data, as Spark's clickstream `PageView`. */
export class PageView {
  constructor(
    readonly url: string,
    readonly status: number,
    readonly zipCode: number,
    readonly userID: number,
  ) {}

  /** Tab-separated, newline-terminated: what the generator sends. */
  toString(): string {
    return `${this.url}\t${this.status}\t${this.zipCode}\t${this.userID}\n`;
  }

  /** Reads a line written by {@link PageView.toString} (with or without its newline). */
  static fromString(input: string): PageView {
    const parts = input.split('\t');
    const int = (i: number, name: string): number => {
      const n = Number(parts[i]);
      if (parts[i] === undefined || !Number.isInteger(n)) {
        throw new Error(`Not a page view (${name} is not an integer): ${JSON.stringify(input)}`);
      }
      return n;
    };
    return new PageView(parts[0]!, int(1, 'status'), int(2, 'zipCode'), int(3, 'userID'));
  }
}
