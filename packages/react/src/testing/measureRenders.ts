import { type AuditReport, createAudit } from '@perf/core/recorder';
import { act, createElement, type ReactNode, StrictMode } from 'react';
import { setActiveRenderTracker } from '../render/activeTracker.js';
import {
  type ComponentRenderStats,
  RenderTracker,
  type RenderTrackerOptions,
} from '../render/renderTracker.js';

/** What a scenario can do to the mounted UI; every step runs inside React's act(). */
export interface RenderScenarioContext {
  /** The element the UI is mounted in. */
  container: HTMLElement;
  /** Renders new UI into the same root (an update, like a parent re-render). */
  rerender(ui: ReactNode): Promise<void>;
  /** Runs fn (clicks, state setters) inside act() and waits for React to commit. */
  act(fn: () => void | Promise<void>): Promise<void>;
  /** Marks a navigation (samples mounted counts for the leak-suspect check). */
  navigate(route?: string): void;
  /** Unmounts the UI (measureRenders also does this at the end). */
  unmount(): Promise<void>;
}

export interface MeasureRendersOptions extends RenderTrackerOptions {
  /** Wrap the UI in <StrictMode> (double render and effects in development). Default false. */
  strict?: boolean;
}

/** The renders seen while a UI was mounted and a scenario ran. */
export interface RenderMeasurement {
  /** Statistics per tracked component name. */
  components: Record<string, ComponentRenderStats>;
  /** The audit report with react.* metrics and findings. */
  report: AuditReport;
  /** Whether React exposed render durations (development/profiling builds). */
  durations: 'unknown' | 'available' | 'unavailable';
}

type ActGlobal = { IS_REACT_ACT_ENVIRONMENT?: boolean };

/**
 * Mounts `ui` with react-dom in the current DOM (happy-dom, jsdom or a browser), runs `scenario`, unmounts,
 * and returns what PerfProfiler, withPerf and useRenderTracking recorded.
 */
export async function measureRenders(
  ui: ReactNode,
  scenario?: (ctx: RenderScenarioContext) => void | Promise<void>,
  options: MeasureRendersOptions = {},
): Promise<RenderMeasurement> {
  const { createRoot } = await import('react-dom/client');
  const audit = createAudit({ subject: 'measureRenders' });
  const tracker = new RenderTracker(audit, options);
  const g = globalThis as ActGlobal;
  const hadActEnv = g.IS_REACT_ACT_ENVIRONMENT;
  g.IS_REACT_ACT_ENVIRONMENT = true;
  const previous = setActiveRenderTracker(tracker);
  const container = document.createElement('div');
  document.body.appendChild(container);
  const root = createRoot(container);
  const wrap = (node: ReactNode) => (options.strict ? createElement(StrictMode, null, node) : node);
  let mounted = true;
  const unmount = async () => {
    if (!mounted) return;
    mounted = false;
    await act(async () => root.unmount());
  };
  try {
    await act(async () => root.render(wrap(ui)));
    await scenario?.({
      container,
      rerender: (next) => act(async () => root.render(wrap(next))),
      act: (fn) => act(async () => fn()),
      navigate: (route) => tracker.markNavigation(route),
      unmount,
    });
    const components = tracker.stats();
    await unmount();
    return { components, report: audit.report(), durations: tracker.durationsStatus };
  } finally {
    if (mounted) await unmount().catch(() => undefined);
    container.remove();
    setActiveRenderTracker(previous);
    g.IS_REACT_ACT_ENVIRONMENT = hadActEnv;
    await audit.close();
  }
}
