/** Small helpers for node:http handlers: bodies, JSON, problem+json. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { AppError, HTTP_STATUS, type ErrorKind } from './errors';

export const REQUEST_ID_HEADER = 'x-request-id';

export class BodyTooLarge extends Error {}

export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        reject(new BodyTooLarge());
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** A request id: the caller's when it looks sane, otherwise a new one. */
export function requestIdOf(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER];
  if (typeof given === 'string' && /^[A-Za-z0-9._:-]{1,128}$/.test(given)) return given;
  return randomUUID();
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendText(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** RFC 9457 problem details; `code` is the stable error code, `kind` its family. */
export function sendProblem(
  res: ServerResponse,
  problem: { kind: ErrorKind; code: string; message: string; details?: Record<string, unknown>; requestId?: string },
  headers: Record<string, string> = {},
  statusOverride?: number,
): void {
  const status = statusOverride ?? HTTP_STATUS[problem.kind];
  const body = {
    type: `urn:jtm:error:${problem.code.toLowerCase().replaceAll('_', '-')}`,
    title: problem.kind.replaceAll('_', ' ').toLowerCase(),
    status,
    detail: problem.message,
    code: problem.code,
    ...problem.details,
    ...(problem.requestId ? { requestId: problem.requestId } : {}),
  };
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/problem+json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

export function sendAppErrorProblem(res: ServerResponse, err: AppError, requestId?: string, headers: Record<string, string> = {}): void {
  sendProblem(res, { kind: err.kind, code: err.code, message: err.message, details: err.details, requestId }, headers);
}
