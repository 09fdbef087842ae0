// Vite builds the Svelte renderer into dist/ (served by the server at / and by Electron at
// app://deltica/). Vitest projects: unit (Node) and browser (playwright-core + Debian Chromium).
import { svelte } from '@sveltejs/vite-plugin-svelte'
import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  base: './',
  plugins: [svelte()],
  resolve: {
    alias: { '@shared': fileURLToPath(new URL('../domain/shared', import.meta.url)) },
  },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 2000 },
  server: { port: 5173 },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['electron/**/*.test.ts', 'shared/**/*.test.ts', 'src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
          // real Chromium against a real server on a shared 2-core CI machine: a UI timing miss
          // (focus, scroll settling) gets two more tries; a test failing three times still fails
          retry: 2,
          expect: { poll: { timeout: 10_000, interval: 100 } },
        },
      },
    ],
  },
})
