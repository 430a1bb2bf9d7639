import { LineSplitter } from './lineSplitter.js';
import { PROTOCOL_PREFIX } from './protocol.js';

/** Keeps the last `max` characters of a stream, for a crash report's evidence. */
export class Tail {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly max = 8192) {}
  push(text: string): void {
    this.parts.push(text);
    this.size += text.length;
    while (this.size > this.max && this.parts.length > 1) this.size -= this.parts.shift()!.length;
  }
  toString(): string {
    const s = this.parts.join('');
    return s.length > this.max ? s.slice(s.length - this.max) : s;
  }
}

/** Where a protocol stream's lines go. */
export interface ProtocolSink {
  message(line: string): void;
  malformed(sample: string): void;
}

/** Splits a dedicated protocol fd into lines; an over-long line counts as malformed. */
export function protocolSplitter(maxLineBytes: number, sink: ProtocolSink): LineSplitter {
  return new LineSplitter(maxLineBytes, {
    line: (text) => {
      if (text.trim()) sink.message(text);
    },
    overlong: (head) => sink.malformed(head),
    skip: () => {},
  });
}

/**
 * Splits stdout: lines starting with '@perf-ml ' are protocol (consumed), everything else is passed on
 * unchanged to `out`. With `protocol` false every byte is passed on.
 */
export function stdoutSplitter(
  maxLineBytes: number,
  protocol: boolean,
  sink: ProtocolSink,
  out: (text: string) => void,
): LineSplitter {
  let skippingProtocol = false;
  return new LineSplitter(maxLineBytes, {
    line: (text, terminated) => {
      if (protocol && text.startsWith(PROTOCOL_PREFIX)) sink.message(text.slice(PROTOCOL_PREFIX.length));
      else out(terminated ? `${text}\n` : text);
    },
    overlong: (head) => {
      skippingProtocol = protocol && head.startsWith(PROTOCOL_PREFIX);
      if (skippingProtocol) sink.malformed(head);
      else out(head);
    },
    skip: (text) => {
      if (!skippingProtocol) out(text);
    },
  });
}
