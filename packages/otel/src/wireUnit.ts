/** How a report unit travels over OpenTelemetry: the UCUM-style unit and the factor values are multiplied by. */
export interface WireUnit {
  unit: string;
  /** Divide a report value by this to get the wire value (1000 for ms -> s; a division keeps 250/1000 exact). */
  divisor: number;
  /** True when the report's time unit (ms) became seconds. */
  toSeconds: boolean;
}

/** 's' (seconds on the wire, as the semantic conventions say) or 'ms' kept as is (lossless buckets). */
export type TimeUnit = 's' | 'ms';

/**
 * The OTel unit for a report unit. Semantic conventions put durations in seconds and bytes in 'By' (UCUM);
 * rates get an explicit numerator of 1 so UCUM parsers accept them.
 */
export function wireUnit(unit: string, timeUnit: TimeUnit): WireUnit {
  if (unit === 'ms') {
    return timeUnit === 's'
      ? { unit: 's', divisor: 1000, toSeconds: true }
      : { unit: 'ms', divisor: 1, toSeconds: false };
  }
  if (unit === 'B') return { unit: 'By', divisor: 1, toSeconds: false };
  if (unit === '/s') return { unit: '1/s', divisor: 1, toSeconds: false };
  if (unit === '/h') return { unit: '1/h', divisor: 1, toSeconds: false };
  return { unit, divisor: 1, toSeconds: false };
}
