import { StringDecoder } from 'node:string_decoder';

/** What a LineSplitter hands out: whole lines, the head of an over-long line, and the rest of it. */
export interface LineHandlers {
  /** A whole line without its newline; `terminated` is false for a last line that had none. */
  line(text: string, terminated: boolean): void;
  /** A line grew past the bound: its first maxLength characters; the rest arrives through `skip`. */
  overlong(head: string): void;
  /** Text of an over-long line after its head, up to and including its newline. */
  skip(text: string): void;
}

/**
 * Splits a byte stream into lines with a hard bound on what it buffers, so a child that never prints a
 * newline cannot grow our memory.
 */
export class LineSplitter {
  private buf = '';
  private skipping = false;
  private readonly decoder = new StringDecoder('utf8');

  constructor(
    private readonly maxLength: number,
    private readonly handlers: LineHandlers,
  ) {}

  push(chunk: Buffer | string): void {
    let text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    while (text.length > 0) {
      if (this.skipping) {
        const nl = text.indexOf('\n');
        if (nl < 0) {
          this.handlers.skip(text);
          return;
        }
        this.handlers.skip(text.slice(0, nl + 1));
        this.skipping = false;
        text = text.slice(nl + 1);
        continue;
      }
      const nl = text.indexOf('\n');
      if (nl < 0) {
        this.buf += text;
        if (this.buf.length > this.maxLength) this.overflow();
        return;
      }
      const line = this.buf + text.slice(0, nl);
      this.buf = '';
      text = text.slice(nl + 1);
      if (line.length > this.maxLength) {
        this.handlers.overlong(line.slice(0, this.maxLength));
        this.handlers.skip(`${line.slice(this.maxLength)}\n`);
      } else {
        this.handlers.line(line, true);
      }
    }
  }

  /** Emits a final line that had no newline. */
  end(): void {
    const rest = this.buf + this.decoder.end();
    this.buf = '';
    if (this.skipping) {
      if (rest) this.handlers.skip(rest);
      this.skipping = false;
      return;
    }
    if (rest.length > this.maxLength) this.handlers.overlong(rest.slice(0, this.maxLength));
    else if (rest) this.handlers.line(rest, false);
  }

  private overflow(): void {
    const head = this.buf.slice(0, this.maxLength);
    const rest = this.buf.slice(this.maxLength);
    this.buf = '';
    this.skipping = true;
    this.handlers.overlong(head);
    if (rest) this.handlers.skip(rest);
  }
}
