import type { FastifyReply, FastifyRequest } from 'fastify';
import { HttpCodes, HttpProblem } from './problems.js';

/** Refuses a command without `If-Match` with 428, before its headers are validated (400). */
export function requireIfMatch(request: FastifyRequest): Promise<void> {
  return Promise.resolve().then(() => {
    if (request.headers['if-match'] === undefined) expectedVersion(undefined);
  });
}

/** Reads `If-Match`: a version (`"4"`), `*` (any), or nothing (428: a command must name one). */
export function expectedVersion(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined) {
    throw new HttpProblem(
      428,
      HttpCodes.PRECONDITION_REQUIRED,
      'Send If-Match with the ETag of the version you read (or * to act on whatever is current).',
      [
        {
          code: HttpCodes.PRECONDITION_REQUIRED,
          path: ['headers', 'if-match'],
          message: 'If-Match is required on commands.',
        },
      ],
    );
  }
  return ifMatch === '*' ? undefined : Number(ifMatch.slice(1, -1));
}

/** The ETag of a PIP version: `"4"`. */
export const etag = (version: number) => `"${version}"`;

/** True when the request pinned a version with `If-Match: "n"`. */
export const pinsVersion = (request: FastifyRequest) =>
  /^"\d+"$/.test(request.headers['if-match'] ?? '');

/**
 * True when `If-None-Match` holds `tag` (or is `*`): the caller's copy is current, so a read
 * answers 304 without a body. Weak comparison, as RFC 9110 section 13.1.2 asks.
 */
export function isNotModified(request: FastifyRequest, tag: string): boolean {
  const header = request.headers['if-none-match'];
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((entry) => entry.trim().replace(/^W\//, '') === tag);
}

/** Answers 304 with no body (the ETag header already set). */
export function notModified(reply: { code(status: number): FastifyReply }): FastifyReply {
  return reply.code(304).send();
}
