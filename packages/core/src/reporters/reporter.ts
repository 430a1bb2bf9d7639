import type { AuditReport } from '../schema/index.js';

export interface RenderOptions {
  /** ANSI colour (console reporter); defaults to whether stdout is a TTY. */
  color?: boolean;
  /** How many findings to list in short formats. */
  topFindings?: number;
}

/** Turns a report into one document; the HTML reporter plugs in through the same shape. */
export interface Reporter {
  readonly name: string;
  /** File extension for `report.<ext>`. */
  readonly extension: string;
  render(report: AuditReport, options?: RenderOptions): string;
}
