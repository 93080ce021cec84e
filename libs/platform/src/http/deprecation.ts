/** When a version of a resource was (or will be) deprecated, when it stops answering, and what replaces it. */
export interface DeprecationNotice {
  deprecatedAt: Date;
  sunsetAt: Date;
  /** The path of the successor, e.g. `/api/v2/orders/<id>`. */
  successor: string;
}

/**
 * The headers every answer of a deprecated route carries: `Deprecation` as an RFC 9745 structured
 * date (`@<epoch seconds>`), `Sunset` as an RFC 8594 HTTP-date, and a `successor-version` link (RFC 5829).
 */
export function deprecationHeaders({ deprecatedAt, sunsetAt, successor }: DeprecationNotice): Record<string, string> {
  return {
    Deprecation: `@${Math.floor(deprecatedAt.getTime() / 1000)}`,
    Sunset: sunsetAt.toUTCString(),
    Link: `<${successor}>; rel="successor-version"`,
  };
}

/** The headers deprecated operations answer with, as the OpenAPI document describes them. */
export const DEPRECATION_HEADER_DOCS: Record<string, { description: string; schema: { type: 'string' } }> = {
  Deprecation: { description: 'RFC 9745: when this version was deprecated, `@<epoch seconds>`', schema: { type: 'string' } },
  Sunset: { description: 'RFC 8594: the HTTP-date after which this version may stop answering', schema: { type: 'string' } },
  Link: { description: 'the same resource in the version that replaces this one, `rel="successor-version"`', schema: { type: 'string' } },
};
