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

const REACT_ELEMENT = Symbol.for('react.element');
const REACT_TRANSITIONAL_ELEMENT = Symbol.for('react.transitional.element');

function isElement(v: object): v is { type: unknown; key: unknown; props: unknown } {
  const t = (v as { $$typeof?: unknown }).$$typeof;
  return t === REACT_ELEMENT || t === REACT_TRANSITIONAL_ELEMENT;
}

/**
 * Equal by value within bounds: plain objects and arrays compared structurally, React elements by type, key
 * and props, functions by their source text (the same inline arrow re-created each render), dates by time.
 */
export function valueEqual(a: unknown, b: unknown, depth = 0): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== typeof b || a === null || b === null) return false;
  if (typeof a === 'function') {
    const fa = a as (...args: unknown[]) => unknown;
    const fb = b as (...args: unknown[]) => unknown;
    return fa.length === fb.length && fa.name === fb.name && String(fa) === String(fb);
  }
  if (typeof a !== 'object' || depth >= MAX_DEPTH) return false;
  const oa = a as object;
  const ob = b as object;
  if (Object.getPrototypeOf(oa) !== Object.getPrototypeOf(ob)) return false;
  if (Array.isArray(oa)) {
    const ab = ob as unknown[];
    if (oa.length !== ab.length || oa.length > MAX_ENTRIES) return false;
    for (let i = 0; i < oa.length; i++) if (!valueEqual(oa[i], ab[i], depth + 1)) return false;
    return true;
  }
  if (oa instanceof Date) return oa.getTime() === (ob as Date).getTime();
  if (isElement(oa)) {
    const eb = ob as { type: unknown; key: unknown; props: unknown };
    return oa.type === eb.type && oa.key === eb.key && valueEqual(oa.props, eb.props, depth + 1);
  }
  const proto = Object.getPrototypeOf(oa);
  // Class instances (Maps, DOM nodes, stores) are compared by identity only: their state is not ours to walk.
  if (proto !== Object.prototype && proto !== null) return false;
  const ka = Object.keys(oa);
  if (ka.length > MAX_ENTRIES || ka.length !== Object.keys(ob).length) return false;
  for (const k of ka) {
    if (!Object.hasOwn(ob, k)) return false;
    if (!valueEqual((oa as Record<string, unknown>)[k], (ob as Record<string, unknown>)[k], depth + 1)) {
      return false;
    }
  }
  return true;
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

/** Tracked state as a record: arrays become index keys so diffProps names `state[0]`, `state[1]`. */
export function stateRecord(state: unknown): Record<string, unknown> {
  if (Array.isArray(state)) {
    const out: Record<string, unknown> = {};
    for (let i = 0; i < state.length; i++) out[`state[${i}]`] = state[i];
    return out;
  }
  if (state !== null && typeof state === 'object') return state as Record<string, unknown>;
  return { state };
}
