import type { FastifyRequest } from 'fastify';
import { HttpCodes, HttpProblem } from './problems.js';

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
