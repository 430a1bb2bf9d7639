/**
 * A timeline with a fixed number of points: when full, every other point is dropped and only every
 * 2nd (then 4th, ...) sample is kept, so a run of any length keeps an evenly spread shape in bounded memory.
 */
export class Timeline {
  t: number[] = [];
  v: number[] = [];
  private stride = 1;
  private seen = 0;

  constructor(private readonly maxPoints: number) {}

  add(t: number, v: number): void {
    if (this.maxPoints <= 0) return;
    if (this.seen++ % this.stride !== 0) return;
    if (this.t.length >= this.maxPoints) {
      this.t = this.t.filter((_, i) => i % 2 === 0);
      this.v = this.v.filter((_, i) => i % 2 === 0);
      this.stride *= 2;
    }
    this.t.push(t);
    this.v.push(v);
  }

  clear(): void {
    this.t = [];
    this.v = [];
    this.stride = 1;
    this.seen = 0;
  }
}
