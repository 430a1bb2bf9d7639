/** How two renders' props (or tracked state) differ. */
export interface PropsDiff {
  /** No key changed in value: the render could have been skipped. */
  equalByValue: boolean;
  /** Keys whose value is new by identity but equal by value (new object, array or function each render). */
  identityOnly: string[];
  /** Keys whose value really changed (or keys added/removed). */
  changed: string[];
}

/** Bounds so a comparison of huge or cyclic props stays cheap: deeper or larger values count as changed. */
const MAX_DEPTH = 4;
const MAX_ENTRIES = 64;

/**
 * Equal by value within bounds: plain objects and arrays compared structurally, React elements (anything
 * with $$typeof) by type, key and props, functions by name and source text (the same inline arrow
 * re-created each render), dates by time. Class instances (Maps, DOM nodes, stores) only by identity: their
 * state is not ours to walk.
 */
export function valueEqual(a: unknown, b: unknown, depth = 0): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== typeof b || !a || !b || depth >= MAX_DEPTH) return false;
  if (typeof a === 'function') return String(a) === String(b) && a.name === (b as () => void).name;
  // Primitives are equal only when the same; leaving before getPrototypeOf keeps a changed number cheap.
  if (typeof a !== 'object') return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const proto = Object.getPrototypeOf(x);
  if (proto !== Object.getPrototypeOf(y)) return false;
  if (x instanceof Date) return +x === +y;
  if (x.$$typeof) return x.type === y.type && x.key === y.key && valueEqual(x.props, y.props, depth + 1);
  if (proto && proto !== Object.prototype && !Array.isArray(x)) return false;
  const own = Object.keys(x);
  return (
    own.length <= MAX_ENTRIES &&
    own.length === Object.keys(y).length &&
    own.every((k) => k in y && valueEqual(x[k], y[k], depth + 1))
  );
}

/** Compares two props objects key by key (shallow identity first, value equality only for changed keys). */
export function diffProps(
  prev: Readonly<Record<string, unknown>>,
  next: Readonly<Record<string, unknown>>,
): PropsDiff {
  const identityOnly: string[] = [];
  const changed: string[] = [];
  let seen = 0;
  for (const key in next) {
    if (!Object.hasOwn(next, key)) continue;
    seen++;
    const b = next[key];
    if (!Object.hasOwn(prev, key)) {
      changed.push(key);
      continue;
    }
    const a = prev[key];
    if (Object.is(a, b)) continue;
    if (valueEqual(a, b, 1)) identityOnly.push(key);
    else changed.push(key);
  }
  if (changed.length === 0) {
    let prevKeys = 0;
    for (const key in prev) if (Object.hasOwn(prev, key)) prevKeys++;
    if (prevKeys !== seen) {
      for (const key in prev) if (Object.hasOwn(prev, key) && !Object.hasOwn(next, key)) changed.push(key);
    }
  }
  return { equalByValue: changed.length === 0, identityOnly, changed };
}

/**
 * The hot-path form of diffProps: true when no key of `next` changed in value against `prev` (and no key was
 * added or removed); identity-only keys and their kinds are appended to `ids` and `kinds`. Stops at the first
 * real change, allocating nothing. Props objects are plain, so `in` and for-in see only their own keys.
 */
export function sameByValue(
  prev: Record<string, unknown> | object,
  next: Record<string, unknown> | object,
  ids: string[],
  kinds: ('function' | 'object')[],
  /** Names keys `prefix[key]` (tracked state: `state[0]`). */
  prefix?: string,
): boolean {
  const p = prev as Record<string, unknown>;
  const q = next as Record<string, unknown>;
  let n = 0;
  for (const k in q) {
    n++;
    if (!(k in p)) return false;
    const a = p[k];
    const b = q[k];
    if (Object.is(a, b)) continue;
    if (!valueEqual(a, b, 1)) return false;
    // Equal by value but not the same: a function or an object (primitives are equal only when the same).
    ids.push(prefix ? `${prefix}[${k}]` : k);
    kinds.push(typeof b as 'function' | 'object');
  }
  for (const _ in prev) if (--n < 0) return false;
  return true;
}
