/**
 * The version of `@kindling/core`. A constant rather than a read of package.json at run time,
 * so that bundled programs (esbuild) keep working; a test keeps it equal to package.json's.
 */
export const KINDLING_VERSION = '0.1.0';
