// A binary min-heap: the mock's outbox schedule, so that advancing jobs looks only at due ones.

/** Items ordered by a numeric key, smallest first; push and pop are O(log n). */
export class MinHeap<T> {
  private readonly keys: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  push(key: number, item: T): void {
    let i = this.items.length;
    this.keys.push(key);
    this.items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if ((this.keys[parent] as number) <= key) break;
      this.move(parent, i);
      i = parent;
    }
    this.keys[i] = key;
    this.items[i] = item;
  }

  /** The item with the smallest key, without removing it. */
  peek(): T | undefined {
    return this.items[0];
  }

  /** Removes and returns the item with the smallest key. */
  pop(): T | undefined {
    const top = this.items[0];
    const lastKey = this.keys.pop();
    const lastItem = this.items.pop() as T;
    const n = this.items.length;
    if (n === 0 || lastKey === undefined) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child =
        right < n && (this.keys[right] as number) < (this.keys[left] as number) ? right : left;
      if ((this.keys[child] as number) >= lastKey) break;
      this.move(child, i);
      i = child;
    }
    this.keys[i] = lastKey;
    this.items[i] = lastItem;
    return top;
  }

  private move(from: number, to: number): void {
    this.keys[to] = this.keys[from] as number;
    this.items[to] = this.items[from] as T;
  }
}
