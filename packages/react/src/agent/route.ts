/** The route history ([performance.now() of the change, route], at most 50; the last is current). */
export interface RouteSource {
  readonly history: [number, string][];
  /** Records a navigation (the router's, popstate or the Navigation API's) when the route changed. */
  navigate(route?: string): void;
}

type Listen = (type: string, fn: () => void, options: { signal: AbortSignal }) => void;

/**
 * Follows route changes without patching history: popstate, the Navigation API's currententrychange where
 * the browser has it (it also sees pushState), and explicit navigate() calls from the app's router. The
 * listeners go when `signal` aborts.
 */
export function createRouteSource(
  getRoute: () => string,
  onChange: () => void,
  signal: AbortSignal,
): RouteSource {
  const read = () => {
    try {
      return getRoute() || '/';
    } catch {
      return '/';
    }
  };
  const history: [number, string][] = [[0, read()]];
  const navigate = (next?: string) => {
    const r = next ?? read();
    if (r !== history[history.length - 1]![1]) {
      if (history.push([performance.now(), r]) > 50) history.shift();
      onChange();
    }
  };
  const onEvent = () => navigate();
  addEventListener('popstate', onEvent, { signal });
  (globalThis as { navigation?: { addEventListener: Listen } }).navigation?.addEventListener(
    'currententrychange',
    onEvent,
    { signal },
  );
  return { history, navigate };
}
