// Unit tests (pure, fast) and integration tests (real rclone, rsync, SQLite, loopback servers).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'], environment: 'node', pool: 'forks' } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          pool: 'forks',
          // Most of these wait on children, servers and slowed copies rather than compute: two
          // files at a time on two cores (vitest's default would be one) halves the wall time.
          maxWorkers: 2,
          // Generous: a slow machine running two files at once should be slow, not failed; a real
          // hang still ends the test.
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
