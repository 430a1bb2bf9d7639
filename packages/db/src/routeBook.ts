/** What one fingerprint added up to: its time and where it ran. */
export interface FingerprintEntry {
  /** Executions seen. */
  count: number;
  /** Their client time, ms. */
  ms: number;
  /** Requests ('GET /route') or scopes it ran under, first seen first, at most `maxRoutes`. */
  routes: string[];
}

/**
 * Per fingerprint: its summed time and the routes it ran under, in bounded memory (at most `maxFingerprints`
 * entries, then the oldest goes; at most `maxRoutes` routes each). Findings made off the hot path (EXPLAIN
 * advice) read it to name the routes and the statement's share of query time.
 */
export class RouteBook {
  private readonly entries = new Map<string, FingerprintEntry>();
  /** All query time seen, ms. */
  totalMs = 0;

  constructor(
    private readonly maxFingerprints = 1000,
    private readonly maxRoutes = 10,
  ) {}

  /** One finished execution of `fingerprint`, `ms` long, under `route` (if any). */
  add(fingerprint: string, ms: number, route: string | undefined): void {
    this.totalMs += ms;
    let e = this.entries.get(fingerprint);
    if (!e) {
      if (this.entries.size >= this.maxFingerprints) {
        this.entries.delete(this.entries.keys().next().value as string);
      }
      e = { count: 0, ms: 0, routes: [] };
      this.entries.set(fingerprint, e);
    }
    e.count++;
    e.ms += ms;
    if (route !== undefined && e.routes.length < this.maxRoutes && !e.routes.includes(route))
      e.routes.push(route);
  }

  get(fingerprint: string): FingerprintEntry | undefined {
    return this.entries.get(fingerprint);
  }
}
