import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const PROBLEM_TYPE_BASE = 'https://shop.example.com/problems/';

export interface FieldError {
  field: string;
  message: string;
}

/** RFC 9457 problem details, as every error of the API is answered. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

/** The problem `type` URI for a slug such as `validation-error`; `about:blank` means "just the status". */
export const problemType = (slug: string): string => `${PROBLEM_TYPE_BASE}${slug}`;

export function problem(status: number, detail: string, extra: Partial<ProblemDetails> = {}): ProblemDetails {
  return { type: 'about:blank', title: STATUS_CODES[status] ?? 'Error', status, detail, ...extra };
}

/** Throw to answer with a specific problem; anything else thrown is mapped by ProblemDetailsFilter. */
export class ProblemException extends HttpException {
  constructor(
    readonly problem: ProblemDetails,
    readonly headers: Record<string, string> = {},
  ) {
    super(problem, problem.status);
  }

  static of(
    status: number,
    slug: string,
    detail: string,
    extra: Partial<ProblemDetails> = {},
    headers?: Record<string, string>,
  ): ProblemException {
    return new ProblemException(problem(status, detail, { type: problemType(slug), ...extra }), headers);
  }
}
