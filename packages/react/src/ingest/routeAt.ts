/** The route current at `time` in a beacon's route history ([performance.now() of the change, route]). */
export function routeAt(history: readonly (readonly [number, string])[], time: number): string {
  for (let i = history.length - 1; i >= 0; i--) if (history[i]![0] <= time) return history[i]![1];
  return history[0]?.[1] ?? '/';
}
