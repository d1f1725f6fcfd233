import { DecisionClock } from '../../../src/workflows/runtime/decisionClock';

test('the decision clock starts where it is told and only moves forward', () => {
  const clock = new DecisionClock(1_000);
  expect(clock.now()).toBe(1_000);
  clock.reach(5_000);
  expect(clock.now()).toBe(5_000);
  clock.reach(4_000); // a timer set earlier than a later Update's time does not take it back
  expect(clock.now()).toBe(5_000);
});

test('an Update catches the decision clock up with the task time, never back', () => {
  const clock = new DecisionClock(Date.now() - 60_000);
  const before = Date.now();
  clock.syncWithUpdateTask();
  expect(clock.now()).toBeGreaterThanOrEqual(before);
  const ahead = Date.now() + 60_000;
  clock.reach(ahead);
  clock.syncWithUpdateTask();
  expect(clock.now()).toBe(ahead);
});
