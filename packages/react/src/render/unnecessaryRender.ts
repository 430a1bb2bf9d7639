import { sameByValue } from './propsDiff.js';
import type { IdentityKind, RenderSink } from './sink.js';

/** Marks "no state tracked" (distinct from tracking a state that is undefined). */
export const NO_STATE: unique symbol = Symbol();

// Scratch lists for one judgement: sinks copy what they keep, so no arrays are allocated per update.
const ids: string[] = [];
const kinds: IdentityKind[] = [];
const EMPTY = {};

/** Tracked state as keys: an object's or array's own (`state[0]`), a primitive as `state[0]`. */
const stateOf = (state: unknown): object => (state && typeof state === 'object' ? state : [state]);

/**
 * Records an unnecessary render when props and tracked state equal the previous render's by value. Called
 * only when one of them is new by identity: when both are the same objects, the render came from something
 * we cannot see (a context, untracked state) and is not judged.
 */
export function judgeRender(
  sink: RenderSink,
  name: string,
  prevProps: object | undefined,
  props: object | undefined,
  prevState: unknown,
  state: unknown,
): void {
  // Setting an array's length is a runtime call (~40 ns in V8) even when it is already 0: most judgements
  // find no identity-only key, so the lists are emptied only when the last one filled them.
  if (ids.length) ids.length = kinds.length = 0;
  if (
    sameByValue(prevProps ?? EMPTY, props ?? EMPTY, ids, kinds) &&
    (state === NO_STATE
      ? // A new props object: the same one means React re-rendered for the component's own state or a
        // context, which we cannot see.
        props !== prevProps
      : sameByValue(stateOf(prevState), stateOf(state), ids, kinds, 'state'))
  ) {
    sink.recordUnnecessary(name, ids, kinds);
  }
}
