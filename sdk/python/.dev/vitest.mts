import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';
export default defineConfig({
  root: '/work/main',
  plugins: [swc.vite({ module: { type: 'es6' } })],
  test: { include: ['sdk/python/.dev/*.test.ts'], globalSetup: ['test/helpers/global-setup.ts'], hookTimeout: 120_000, testTimeout: 4_000_000 },
});
