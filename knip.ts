// Unused-export check (npm run lint:unused, CI): every export of the server's code must be
// imported somewhere — by the server, the tests, the benchmarks or the desktop client (through its
// @shared alias). The client's files are entries only: their own exports are the client's affair.
import type { KnipConfig } from 'knip'

const config: KnipConfig = {
  // npm workspaces: the root (the server) and desktop/ (the client)
  workspaces: {
    '.': {
      entry: ['runtime/cli/*.ts', 'functions/*.ts', 'bench/*.ts', '**/*.test.ts'],
      project: [
        'runtime/**/*.ts',
        'domain/**/*.ts',
        'functions/**/*.ts',
        'test/**/*.ts',
        'bench/**/*.ts',
      ],
    },
    desktop: {
      entry: ['src/**/*.{ts,svelte}', 'electron/update-policy.ts', '**/*.test.ts'],
      project: ['src/**/*.svelte'],
      paths: { '@shared/*': ['../domain/shared/*'] },
    },
  },
  // .svelte files: their <script> blocks are what imports
  compilers: {
    svelte: (text: string) =>
      [...text.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1]).join('\n'),
  },
  rules: {
    files: 'error',
    exports: 'error',
    types: 'error',
    duplicates: 'error',
    unresolved: 'off',
    dependencies: 'off',
    devDependencies: 'off',
    unlisted: 'off',
    binaries: 'off',
  },
}

export default config
