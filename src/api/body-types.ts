/**
 * Content types a what-if body may have; the OpenAPI document lists exactly these. Not
 * `text/plain`, `application/x-www-form-urlencoded` or `multipart/form-data`: a page on any
 * site can POST those cross-origin without a CORS preflight (an HTML form does), so accepting
 * one would let any web page a user opens drive the API of a daemon that runs without a token.
 */
export const YAML_TYPES = ["application/yaml", "application/x-yaml"] as const;
export const JSON_TYPES = ["application/json"] as const;
/** Every type the what-if body may have. */
export const WHATIF_BODY_TYPES: readonly string[] = [...YAML_TYPES, ...JSON_TYPES];
/** Every type a test-matrix body may have: YAML, or JSON (which YAML reads); the same reasoning as for what-if. */
export const MATRIX_BODY_TYPES: readonly string[] = [...YAML_TYPES, ...JSON_TYPES];
