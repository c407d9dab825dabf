import { defineConfig } from 'vitest/config';

// The workspace runs the packages' TypeScript sources: their `exports` put a `kindling-source`
// condition first (built `dist/` files are for installed use), and tests resolve with it.
// The rest is Vite's default server conditions, which `conditions` replaces.
const conditions = ['kindling-source', 'module', 'node', 'development|production'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'examples/*/src/**/*.test.ts', 'examples/*/test/**/*.test.ts', 'bench/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/dist/**'],
    typecheck: { enabled: true, include: ['packages/*/src/**/*.test-d.ts', 'packages/*/test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    testTimeout: 30000,
    hookTimeout: 30000,
    pool: 'forks',
  },
});
