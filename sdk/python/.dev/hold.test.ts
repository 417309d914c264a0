// DEV ONLY (never committed): starts the platform and holds it for manual pytest runs.
import { writeFileSync } from 'node:fs';
import { it } from 'vitest';
import { seedToken, startTestApp } from '../../../test/helpers/test-app.js';

it('holds', async () => {
  const t = await startTestApp({ env: { BEAMLINE_CLUSTER_DRIVER: 'local', BEAMLINE_SCHEDULER_INTERVAL_MS: '200', BEAMLINE_RETRY_BACKOFF_MS: '100' } });
  const token = await seedToken(t.app, 'MEMBER', ['sdk']);
  const viewer = await seedToken(t.app, 'VIEWER', ['sdk']);
  writeFileSync('/tmp/beamline-dev.env', `export BEAMLINE_URL=${t.url} BEAMLINE_TOKEN=${token} BEAMLINE_PROJECT=sdk BEAMLINE_TEST_VIEWER_TOKEN=${viewer}\n`);
  await new Promise((r) => setTimeout(r, 3_000_000));
}, 4_000_000);
