/**
 * Randomized model-based test of the order lifecycle on the real dev server, emulator, service and
 * a worker process that is killed and restarted. A fixed-seed subset runs in `npm test`; run more
 * with `npm run test:model -- --runs 300 [--seed S]`. A failure prints its seed and the shrunk case.
 */
import { ModelHarness } from './harness';
import { assertModel } from './property';

const RUNS = Number(process.env.MODEL_RUNS ?? 10);
const SEED = Number(process.env.MODEL_SEED ?? 20_261_128);

jest.setTimeout(600_000);

const h = new ModelHarness();

beforeAll(() => h.start(), 180_000);
afterAll(() => h.stop());

test(`${RUNS} random cases (seed ${SEED}): money never lost or doubled, every command completes, every history replays`, async () => {
  const stats = await assertModel(h, { runs: RUNS, seed: SEED });
  expect(stats.cases).toBeGreaterThanOrEqual(RUNS);
});
