/** The current page route and its history, for per-route metrics in single-page apps. */
export interface RouteSource {
  /** The route now. */
  current(): string;
  /** The route that was current at a performance.now() time (for metrics reported later). */
  at(time: number): string;
  /** Records a navigation (called by the router, popstate or the Navigation API). */
  navigate(route?: string): void;
  close(): void;
}

const MAX_HISTORY = 50;

/** Strips the query string and fragment: they can carry personal data and explode cardinality. */
export function redactUrlPath(url: string): string {
  const q = url.search(/[?#]/);
  return q === -1 ? url : url.slice(0, q);
}

export function defaultRoute(): string {
  return typeof location !== 'undefined' ? location.pathname : '/';
}

interface NavigationLike {
  addEventListener(type: string, fn: () => void): void;
  removeEventListener(type: string, fn: () => void): void;
}

/**
 * Follows route changes without patching history: popstate, the Navigation API's currententrychange where
 * the browser has it (it also sees pushState), and explicit navigate() calls from the app's router.
 */
export function createRouteSource(getRoute: () => string, onChange: (route: string) => void): RouteSource {
  const read = () => {
    try {
      return getRoute() || '/';
    } catch {
      return '(unknown)';
    }
  };
  let route = read();
  const times: number[] = [0];
  const routes: string[] = [route];
  const change = (next?: string) => {
    const r = next ?? read();
    if (r === route) return;
    route = r;
    times.push(performance.now());
    routes.push(r);
    if (times.length > MAX_HISTORY) {
      times.shift();
      routes.shift();
    }
    onChange(r);
  };
  const onEvent = () => change();
  const nav = (globalThis as { navigation?: NavigationLike }).navigation;
  if (typeof addEventListener === 'function') addEventListener('popstate', onEvent);
  nav?.addEventListener('currententrychange', onEvent);
  return {
    current: () => route,
    at(time) {
      for (let i = times.length - 1; i >= 0; i--) if (times[i]! <= time) return routes[i]!;
      return routes[0]!;
    },
    navigate: change,
    close() {
      if (typeof removeEventListener === 'function') removeEventListener('popstate', onEvent);
      nav?.removeEventListener('currententrychange', onEvent);
    },
  };
}
