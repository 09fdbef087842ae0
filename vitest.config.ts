import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: [
      'runtime/**/*.test.ts',
      'domain/**/*.test.ts',
      'functions/**/*.test.ts',
      'test/**/*.test.ts',
      // the desktop's pure update policy also runs in the root suite (no Electron needed)
      'desktop/electron/update-policy.test.ts',
    ],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
})
