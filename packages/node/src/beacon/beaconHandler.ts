import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Audit, warmReportSchema } from '@perf/core';
import { type BeaconOptions, type BeaconResult, ingestBeacon, tooLarge } from './ingestBeacon.js';

const DEFAULT_LIMIT = 1024 * 1024;

/** Writes a beacon result; `close` asks the server to drop the connection (an unread body is left behind). */
export function sendBeaconResult(res: ServerResponse, r: BeaconResult, cors?: string, close = false): void {
  if (res.headersSent) return;
  const headers: Record<string, string> = {};
  if (cors) headers['access-control-allow-origin'] = cors;
  if (close) headers.connection = 'close';
  if (r.body) {
    const text = JSON.stringify(r.body);
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(Buffer.byteLength(text));
    res.writeHead(r.status, headers);
    res.end(text);
  } else {
    res.writeHead(r.status, headers);
    res.end();
  }
}

/**
 * A node:http / express handler for browser beacons (`app.post('/perf/beacon', beaconHandler(audit))`).
 * Reads at most `limitBytes` (413 beyond, without reading on), 400 for bad JSON or a report that fails the
 * core schema (with the zod paths), 204 after merging it into the audit. It never throws into the server.
 * A body already parsed by express.json() is used as is; navigator.sendBeacon's text/plain works too.
 */
export function beaconHandler(
  audit: Audit,
  options: BeaconOptions = {},
): (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => void {
  const limit = options.limitBytes ?? DEFAULT_LIMIT;
  const cors = options.cors;
  // Compile the schema validator now, not inside the first beacon (a ~100 ms stall on a cold process).
  warmReportSchema();
  return function beacon(req, res) {
    try {
      if (req.method === 'OPTIONS' && cors) {
        res.writeHead(204, {
          'access-control-allow-origin': cors,
          'access-control-allow-methods': 'POST, OPTIONS',
          'access-control-allow-headers': 'content-type',
          'access-control-max-age': '86400',
        });
        res.end();
        return;
      }
      if (req.method !== 'POST') {
        res.setHeader('allow', 'POST');
        sendBeaconResult(res, { status: 405, body: { error: 'use POST' } }, cors);
        return;
      }
      if (req.body !== undefined && req.readableEnded) {
        sendBeaconResult(res, ingestBeacon(audit, req.body, options), cors);
        return;
      }
      const declared = Number(req.headers['content-length']);
      if (declared > limit) {
        sendBeaconResult(res, tooLarge(audit, limit), cors, true);
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      let done = false;
      const onData = (chunk: Buffer) => {
        if (done) return;
        size += chunk.length;
        if (size > limit) {
          done = true;
          chunks.length = 0;
          req.removeListener('data', onData);
          req.pause();
          sendBeaconResult(res, tooLarge(audit, limit), cors, true);
          return;
        }
        chunks.push(chunk);
      };
      req.on('data', onData);
      req.once('end', () => {
        if (done) return;
        done = true;
        sendBeaconResult(res, ingestBeacon(audit, Buffer.concat(chunks).toString('utf8'), options), cors);
      });
      req.once('error', () => {
        done = true;
      });
    } catch (err) {
      audit.safely('beacon', () => {
        throw err;
      });
      try {
        sendBeaconResult(res, { status: 500, body: { error: 'beacon ingest failed' } }, cors);
      } catch {
        // the response is gone; nothing left to do
      }
    }
  };
}
