import { createRequire } from 'node:module';

/**
 * Beam's TypeScript SDK serialises every function of a pipeline and revives it without its
 * closure (a build-time transform would attach one; tsx does not run it). Functions in our Beam
 * pipelines therefore reach their inputs and outputs through this one global.
 */
export interface BeamBridge {
  [key: string]: unknown;
}

/** The bridge object the pipeline functions read as `globalThis.__kindlingBeam`. */
export function beamBridge<T extends BeamBridge>(value: T): T {
  (globalThis as { __kindlingBeam?: BeamBridge }).__kindlingBeam = value;
  return value;
}

/** The `long` module Beam's timestamps are made of (Beam's own copy, so `instanceof` holds). */
export function beamLong(): { fromNumber(n: number): unknown } {
  const beamRequire = createRequire(createRequire(import.meta.url).resolve('apache-beam'));
  return beamRequire('long') as { fromNumber(n: number): unknown };
}
