import { type Clock } from '../options';
import { type PaymentKey } from './paymentStore';

interface Entry extends PaymentKey {
  at: number;
}

/** setTimeout cannot wait longer than 2^31-1 ms (about 24.8 days); longer waits are re-armed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Payment expiry deadlines in a binary min-heap behind one unref'd timer, so thousands of CREATED
 * payments cost one timer and O(log n) per payment. Entries are never removed early: when one
 * comes due, the callback checks whether the payment is still CREATED and due (lazy deletion).
 */
export class ExpiryQueue {
  private readonly heap: Entry[] = [];
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly onDue: (key: PaymentKey) => void,
  ) {}

  get size(): number {
    return this.heap.length;
  }

  schedule(key: PaymentKey, at: number): void {
    if (this.stopped) return;
    this.push({ msn: key.msn, reference: key.reference, at });
    if (at < this.armedFor) this.arm();
  }

  clear(): void {
    this.heap.length = 0;
    this.disarm();
  }

  stop(): void {
    this.stopped = true;
    this.clear();
  }

  private arm(): void {
    this.disarm();
    const next = this.heap[0];
    if (!next) return;
    const delay = Math.min(Math.max(next.at - this.clock.now(), 0), MAX_TIMER_MS);
    this.armedFor = next.at;
    this.timer = setTimeout(() => this.fire(), delay);
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.armedFor = Infinity;
  }

  private fire(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = this.clock.now();
    while (this.heap.length > 0 && (this.heap[0]?.at ?? Infinity) <= now) {
      const entry = this.pop();
      if (entry) this.onDue(entry);
    }
    this.arm();
  }

  private push(entry: Entry): void {
    const heap = this.heap;
    heap.push(entry);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((heap[parent]?.at ?? 0) <= entry.at) break;
      heap[i] = heap[parent] as Entry;
      i = parent;
    }
    heap[i] = entry;
  }

  private pop(): Entry | undefined {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop();
    if (heap.length === 0 || !last) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      let smallestAt = last.at;
      if (left < heap.length && (heap[left]?.at ?? Infinity) < smallestAt) {
        smallest = left;
        smallestAt = heap[left]?.at ?? Infinity;
      }
      if (right < heap.length && (heap[right]?.at ?? Infinity) < smallestAt) smallest = right;
      if (smallest === i) break;
      heap[i] = heap[smallest] as Entry;
      i = smallest;
    }
    heap[i] = last;
    return top;
  }
}
