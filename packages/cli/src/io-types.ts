/** Where a command writes; tests pass buffers, the bin passes process streams. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Whether stdout is a terminal (colour in the console format). */
  isTTY: boolean;
}
