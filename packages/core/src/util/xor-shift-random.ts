/**
 * A small seeded pseudo-random generator (xorshift128+ on 32-bit halves) for `sample` and
 * range-partition sampling: same seed, same sequence.
 */
export class XorShiftRandom {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(seed: number) {
    // splitmix32 to spread a small seed over the state
    let x = seed | 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.s0 = next();
    this.s1 = next();
    this.s2 = next();
    this.s3 = next() | 1;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    // xoshiro128**
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9) >>> 0;
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result;
  }

  /** Uniform in `[0, 1)`. */
  nextDouble(): number { return this.nextUint32() / 4294967296; }

  /** Uniform integer in `[0, n)`. */
  nextInt(n: number): number { return Math.floor(this.nextDouble() * n); }

  /** A Poisson-distributed count with the given mean (Knuth's method; means here are small). */
  nextPoisson(mean: number): number {
    if (mean <= 0) return 0;
    if (mean > 30) {
      // Normal approximation keeps large means cheap.
      const u = Math.max(this.nextDouble(), 1e-12);
      const v = this.nextDouble();
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      return Math.max(0, Math.round(mean + Math.sqrt(mean) * z));
    }
    const l = Math.exp(-mean);
    let k = 0;
    let p = 1;
    do {
      k++;
      p *= this.nextDouble();
    } while (p > l);
    return k - 1;
  }
}

function rotl(x: number, k: number): number { return (x << k) | (x >>> (32 - k)); }

/** A random seed for when the user gives none. */
export function randomSeed(): number { return Math.floor(Math.random() * 0x7fffffff); }
