import type { HrTime } from '@opentelemetry/api';

/** An ISO timestamp as OTel's [seconds, nanoseconds]. */
export function hrTimeOf(iso: string): HrTime {
  const ms = Date.parse(iso);
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
}
